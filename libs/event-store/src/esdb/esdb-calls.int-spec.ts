import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { newEvent } from '../testing/event-store.contract';
import { START } from '../event-store.port';
import { EsdbEventStore, eachRecord, EsdbReadTimedOut } from './esdb-event-store';
import { startLocalGrpcWire, type LocalGrpcWire } from './testing/local-grpc-wire';

const settle = () => new Promise((r) => setTimeout(r, 300));
const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

// The adapter's own handling of its gRPC calls, against a local stand-in for the wire (see
// LocalGrpcWire): it shows what the adapter leaves open, not what a real server decides.
describe('the EventStoreDB adapter leaves no call open (local gRPC stand-in, not a server)', () => {
  jest.setTimeout(30_000);
  let wire: LocalGrpcWire;
  let store: EsdbEventStore;
  beforeEach(async () => {
    wire = await startLocalGrpcWire();
    store = new EsdbEventStore(wire.url);
  });
  afterEach(async () => {
    await store.close();
    await wire.close();
  });

  it('head() finds the newest of heard’s events and cancels its read, however often health asks', async () => {
    for (let i = 0; i < 150; i++) expect(typeof (await store.head())).toBe('string');
    await until(() => wire.openCalls() === 0);
    // Before: every head() left its read open; past 100 a real server's cap would hang reads.
    expect(wire.openCalls()).toBe(0);
  });

  it('counts a reader’s lag from a live subscription, without reading events', async () => {
    const head = await store.head();
    // The first count starts the tally, from the head.
    expect(await store.countAfter(head)).toBe(0);
    const stream = `case-${randomUUID()}`;
    for (let i = 0; i < 5; i++)
      await store.append(stream, [newEvent('ContactLogged', { i })], { expectedRevision: 'any' });
    await settle();
    const reads = wire.forwardReadsOfAll();
    expect(await store.countAfter(head)).toBe(5);
    expect(wire.forwardReadsOfAll()).toBe(reads);
  });

  it('counts what a lag subscription that stopped delivering missed, by reading it', async () => {
    const head = await store.head();
    expect(await store.countAfter(head)).toBe(0);
    // The subscription hangs: open, and silent. The lag must still show what was appended.
    wire.holdSubscriptions();
    const stream = `case-${randomUUID()}`;
    for (let i = 0; i < 3; i++)
      await store.append(stream, [newEvent('ContactLogged', { i })], { expectedRevision: 'any' });
    await settle();
    expect(await store.countAfter(head)).toBe(3);
  });

  it('an append reads its events back and cancels that read', async () => {
    const stream = `case-${randomUUID()}`;
    for (let i = 0; i < 20; i++)
      await store.append(stream, [newEvent('CaseOpened', { i })], { expectedRevision: 'any' });
    await until(() => wire.openCalls() === 0);
    expect(wire.openCalls()).toBe(0);
  });

  it('joins concurrent appends of one command in this process: one append, one first answer', async () => {
    const stream = `case-${randomUUID()}`;
    const commandId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        store.append(stream, [newEvent('CaseOpened', {}, commandId)], {
          expectedRevision: 'any',
          commandId,
        }),
      ),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.position)).size).toBe(1);
    expect(wire.appendsTo(`heard-${stream}`)).toBe(1);
    expect(wire.appendsTo(`heard-command-${commandId}`)).toBe(1);
  });

  it('tries an append the server left unanswered again, instead of failing the command', async () => {
    const impatient = new EsdbEventStore(`${wire.url}&defaultDeadline=300`);
    try {
      const stream = `case-${randomUUID()}`;
      const commandId = randomUUID();
      wire.dropNextAppendTo(`heard-${stream}`);
      const result = await impatient.append(stream, [newEvent('CaseOpened', {}, commandId)], {
        expectedRevision: 'no_stream',
        commandId,
      });
      expect(result.duplicate).toBe(false);
      // The dropped one and its retry reached the wire.
      expect(wire.appendsTo(`heard-${stream}`)).toBe(2);
    } finally {
      await impatient.close();
    }
  });

  it('of two instances recording one command, the second answers the first one’s result', async () => {
    const other = new EsdbEventStore(wire.url);
    try {
      const stream = `case-${randomUUID()}`;
      const commandId = randomUUID();
      const [a, b] = await Promise.all(
        [store, other].map((s) =>
          s.append(stream, [newEvent('CaseOpened', {}, commandId)], {
            expectedRevision: 'any',
            commandId,
          }),
        ),
      );
      // Both reached the wire (no record yet when each looked); the record is made once, with
      // no_stream under a fresh id, so one of them meets the conflict and replays the other.
      expect([a!.duplicate, b!.duplicate].sort()).toEqual([false, true]);
      const [first] = [a!, b!].filter((r) => !r.duplicate);
      for (const r of [a!, b!]) expect(r.position).toBe(first!.position);
    } finally {
      await other.close();
    }
  });

  it('the live subscription listens again when the server ends it, and not after stop or close', async () => {
    const subscription = store.subscribe({
      after: START,
      batchSize: 10,
      onBatch: () => Promise.resolve(),
    });
    await until(() => wire.openCalls() >= 1);
    await settle();
    const listening = wire.openCalls();
    expect(listening).toBeGreaterThanOrEqual(1);
    wire.endSubscriptions();
    await until(() => wire.openCalls() >= listening, 10_000);
    expect(wire.openCalls()).toBe(listening);
    await subscription.stop();
    await until(() => wire.openCalls() === 0);
    expect(wire.openCalls()).toBe(0);
    const started = wire.callsStarted();
    await settle();
    expect(wire.callsStarted()).toBe(started);
  });
});

describe('eachRecord', () => {
  const read = (items: number[]) => {
    let cancelled = 0;
    const stream = Object.assign(Readable.from(items), {
      cancel: () => {
        cancelled += 1;
        return Promise.resolve();
      },
    });
    return { stream, cancelled: () => cancelled };
  };

  it('cancels a read it stops early, and not one the server ended', async () => {
    const early = read([1, 2, 3]);
    await eachRecord(early.stream, (n) => n === 2);
    expect(early.cancelled()).toBe(1);
    const whole = read([1, 2, 3]);
    const seen: number[] = [];
    await eachRecord(whole.stream, (n) => void seen.push(n));
    expect([seen, whole.cancelled()]).toEqual([[1, 2, 3], 0]);
  });

  it('fails a read past its deadline and cancels it', async () => {
    let cancelled = 0;
    const never = Object.assign(new Readable({ objectMode: true, read: () => undefined }), {
      cancel: () => {
        cancelled += 1;
        return Promise.resolve();
      },
    });
    await expect(eachRecord(never, () => false, 100)).rejects.toBeInstanceOf(EsdbReadTimedOut);
    expect(cancelled).toBe(1);
  });
});
