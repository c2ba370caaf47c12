import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import crypto, { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@heard/event-store';
import {
  describeEventStoreContract,
  newEvent,
} from '../../event-store/src/testing/event-store.contract';
import { SqliteReadStore } from '@heard/read-store';
import { CustomerKeys, MasterKeyMismatch } from './customer-keys';
import { PersonalDataEventStore } from './personal-data-event-store';

const MASTER = Buffer.alloc(32, 4);

const open = () => {
  const dir = mkdtempSync(join(tmpdir(), 'heard-pd-'));
  const inner = new SqliteEventStore(join(dir, 'events.db'));
  const reads = new SqliteReadStore(join(dir, 'reads.db'));
  const keys = new CustomerKeys(reads, MASTER);
  return {
    dir,
    inner,
    reads,
    keys,
    store: new PersonalDataEventStore(inner, keys),
    teardown: async () => {
      await inner.close();
      await reads.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

describeEventStoreContract('personal data sealed over SQLite', () => Promise.resolve(open()));

describe('PersonalDataEventStore', () => {
  it("seals a customer's words at rest with their key, opens them on every read, and reads ERASED once the key is gone", async () => {
    const site = open();
    try {
      const stream = `case-${randomUUID()}`;
      const secret = `Mrs Quill${randomUUID()} is upset`;
      await site.store.append(
        stream,
        [
          newEvent('CaseOpened', {
            caseId: 'c',
            customerId: 'cust-1',
            summary: secret,
            channel: 'phone',
          }),
        ],
        { expectedRevision: 'no_stream' },
      );
      // A later event of the case: its customer comes from the stream's first event.
      await site.store.append(
        stream,
        [newEvent('ContactLogged', { caseId: 'c', note: `${secret} again` })],
        {
          expectedRevision: 0,
        },
      );
      const raw = await site.inner.readStream(stream);
      expect(JSON.stringify(raw)).not.toContain(secret);
      expect((raw[0]!.data as { channel: string }).channel).toBe('phone');
      expect((raw[0]!.data as { summary: string }).summary).toMatch(/^pd1\./);
      const opened = await site.store.readStream(stream);
      expect(opened.map((e) => e.data)).toEqual([
        { caseId: 'c', customerId: 'cust-1', summary: secret, channel: 'phone' },
        { caseId: 'c', note: `${secret} again` },
      ]);
      const seen: unknown[] = [];
      const subscription = site.store.subscribe({
        after: '',
        onBatch: (events) => {
          seen.push(...events.map((e) => e.data));
          return Promise.resolve();
        },
      });
      while (seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      await subscription.stop();
      expect(seen[1]).toEqual({ caseId: 'c', note: `${secret} again` });

      await site.keys.erase('cust-1');
      expect((await site.store.readAll({ after: '', limit: 10 })).map((e) => e.data)).toEqual([
        { caseId: 'c', customerId: 'cust-1', summary: '[erased]', channel: 'phone' },
        { caseId: 'c', note: '[erased]' },
      ]);
      // What an erased customer tells us afterwards is never stored.
      await site.store.append(
        stream,
        [newEvent('ContactLogged', { caseId: 'c', note: 'new words' })],
        {
          expectedRevision: 1,
        },
      );
      expect(JSON.stringify(await site.inner.readStream(stream))).not.toContain('new words');
      await site.inner.close();
      expect(readFileSync(join(site.dir, 'events.db')).includes(Buffer.from(secret))).toBe(false);
    } finally {
      await site.teardown().catch(() => undefined);
    }
  });

  it('opens a word only when something reads it, once', async () => {
    const site = open();
    const decipher = jest.spyOn(crypto, 'createDecipheriv');
    try {
      const stream = `case-${randomUUID()}`;
      await site.store.append(
        stream,
        [
          newEvent('CaseOpened', {
            caseId: 'c',
            customerId: 'cust-2',
            summary: 'My invoice is wrong',
            channel: 'email',
          }),
        ],
        { expectedRevision: 'no_stream' },
      );
      decipher.mockClear();
      const [event] = await site.store.readAll({ after: '', limit: 10 });
      const data = event!.data as { channel: string; summary: string };
      // What a projection of counts reads: no word of the customer's is opened.
      expect(data.channel).toBe('email');
      expect(Object.keys(data)).toContain('summary');
      expect(decipher).not.toHaveBeenCalled();
      expect(data.summary).toBe('My invoice is wrong');
      expect(JSON.parse(JSON.stringify(data))).toMatchObject({ summary: 'My invoice is wrong' });
      expect(decipher).toHaveBeenCalledTimes(1);
    } finally {
      decipher.mockRestore();
      await site.teardown().catch(() => undefined);
    }
  });

  it('cannot open the words with another master key', async () => {
    const site = open();
    try {
      const stream = `case-${randomUUID()}`;
      await site.store.append(
        stream,
        [newEvent('CaseOpened', { caseId: 'c', customerId: 'cust-2', summary: 'words' })],
        { expectedRevision: 'no_stream' },
      );
      const stranger = new PersonalDataEventStore(
        site.inner,
        new CustomerKeys(site.reads, Buffer.alloc(32, 9)),
      );
      await expect(stranger.readStream(stream)).rejects.toThrow();
      // heard and the CLI check it first, and refuse to start, naming the setting.
      await expect(new CustomerKeys(site.reads, Buffer.alloc(32, 9)).check()).rejects.toThrow(
        MasterKeyMismatch,
      );
      await expect(new CustomerKeys(site.reads, MASTER).check()).resolves.toBeUndefined();
    } finally {
      await site.teardown();
    }
  });
});
