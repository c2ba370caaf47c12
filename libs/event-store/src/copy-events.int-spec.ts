import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyEvents, CopyRefused, eventsChecksum } from './copy-events';
import { START, type EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { newEvent } from './testing/event-store.contract';

const commandIds = Array.from({ length: 300 }, () => randomUUID());

/** 300 commands over 30 streams, one to three events each. */
const fill = async (store: SqliteEventStore) => {
  for (let i = 0; i < 300; i++) {
    const stream = `case-${i % 30}`;
    const commandId = commandIds[i]!;
    const revision = (await store.readStream(stream)).length - 1;
    await store.append(
      stream,
      Array.from({ length: 1 + (i % 3) }, (_, j) => newEvent(`E${j}`, { i, j }, commandId)),
      {
        expectedRevision: revision < 0 ? 'no_stream' : revision,
        commandId,
        fingerprint: `fp-${i}`,
      },
    );
  }
};

/** A store whose appends fail after `n` of them: a copy cut off midway. */
const cutAfter = (store: EventStore, n: number): EventStore => {
  let appends = 0;
  return new Proxy(store, {
    get: (target, key) =>
      key === 'append'
        ? (...args: Parameters<EventStore['append']>) => {
            if (++appends > n) return Promise.reject(new Error('connection lost'));
            return target.append(...args);
          }
        : (target[key as keyof EventStore] as unknown as (...a: unknown[]) => unknown).bind(target),
  });
};

describe('copyEvents (heard store copy)', () => {
  let dir: string;
  let source: SqliteEventStore;
  const stores: SqliteEventStore[] = [];
  const open = (name: string) => {
    const store = new SqliteEventStore(join(dir, name));
    stores.push(store);
    return store;
  };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heard-copy-'));
    source = open('source.db');
    await fill(source);
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every event in order, as it was recorded, with each command and its fingerprint', async () => {
    const target = open('target.db');
    const report = await copyEvents(source, target);
    expect(report.events).toBe(600);
    expect(report.alreadyThere).toBe(0);
    expect(await eventsChecksum(target)).toEqual({
      events: 600,
      checksum: (await eventsChecksum(source)).checksum,
    });
    const [a, b] = await Promise.all([
      source.readAll({ after: START, limit: 1000 }),
      target.readAll({ after: START, limit: 1000 }),
    ]);
    expect(b.map(({ position: _, ...e }) => e)).toEqual(a.map(({ position: _, ...e }) => e));
    const copied = await target.findCommandResult(commandIds[7]!);
    expect(copied).toMatchObject({
      streamId: 'case-7',
      eventIds: (await source.findCommandResult(commandIds[7]!))!.eventIds,
      fingerprint: 'fp-7',
    });
    // A command retried against the new store answers its first result and writes nothing.
    const retried = await target.append('case-7', [newEvent('E0', {}, commandIds[7])], {
      expectedRevision: 'any',
      commandId: commandIds[7],
      fingerprint: 'fp-7',
    });
    expect(retried.duplicate).toBe(true);
    expect(await target.countAfter(START)).toBe(600);
  });

  it('resumes a copy that was cut off, and maps positions for the caller', async () => {
    const target = open('target.db');
    await expect(copyEvents(source, cutAfter(target, 120))).rejects.toThrow('connection lost');
    const partial = await target.countAfter(START);
    expect(partial).toBeGreaterThan(0);
    const tenth = (await source.readAll({ after: START, limit: 10 }))[9]!;
    const progress: number[] = [];
    const report = await copyEvents(source, target, {
      mapPositions: [tenth.position],
      onProgress: ({ copied }) => progress.push(copied),
    });
    expect(report.alreadyThere).toBe(partial);
    expect(progress[0]).toBe(partial);
    expect(report.events).toBe(600);
    const [there] = await target.readStream(tenth.streamId, { fromRevision: tenth.revision });
    expect(report.positions.get(tenth.position)).toBe(there!.position);
    expect(there!.metadata.eventId).toBe(tenth.metadata.eventId);
  });

  it('refuses a target that holds other events, and writes nothing there', async () => {
    const target = open('target.db');
    await target.append('case-other', [newEvent('E')], { expectedRevision: 'no_stream' });
    const refused = copyEvents(source, target);
    await expect(refused).rejects.toBeInstanceOf(CopyRefused);
    await expect(refused).rejects.toThrow(
      "The target's event 1 (case-other revision 0) is not the source's",
    );
    expect(await target.countAfter(START)).toBe(1);
  });
});
