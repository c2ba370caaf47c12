import { Readable } from 'node:stream';
import { WrongExpectedVersionError, type AllStreamResolvedEvent } from '@eventstore/db-client';
import type { EventMetadata } from '@heard/domain';
import { START, WrongExpectedRevision } from '../event-store.port';
import {
  esdbEventId,
  fromEsdbCheckpoint,
  fromEsdbMetadata,
  HeardStreams,
  parseEsdbLocation,
  parseEsdbPosition,
  reconnectDelayMs,
  toEsdbCheckpoint,
  toEsdbExpectedRevision,
  toEsdbMetadata,
  toWrongExpectedRevision,
} from './esdb-mapping';
import { takeHeardEvents } from './esdb-event-store';

describe('EventStoreDB adapter, without a server', () => {
  describe('positions', () => {
    it('orders as text the way the log orders them: commit first, then prepare', () => {
      const positions = [
        { commit: 10n, prepare: 10n },
        { commit: 9n, prepare: 9n },
        { commit: 10n, prepare: 2n },
        { commit: 18_446_744_073_709_551_615n, prepare: 0n },
        { commit: 100n, prepare: 100n },
      ];
      const byLog = [...positions].sort((a, b) =>
        a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare < b.prepare ? -1 : 1,
      );
      expect(positions.map(toEsdbCheckpoint).sort()).toEqual(byLog.map(toEsdbCheckpoint));
      expect(START < toEsdbCheckpoint({ commit: 0n, prepare: 0n })).toBe(true);
    });

    it('reads back its own checkpoints, and nothing else', () => {
      const at = toEsdbCheckpoint({ commit: 4141n, prepare: 4140n });
      expect(at).toBe('00000000000000004141:00000000000000004140');
      expect(fromEsdbCheckpoint(at)).toEqual({ commit: 4141n, prepare: 4140n });
      expect(parseEsdbPosition(at)).toBe(at);
      expect(parseEsdbPosition(START)).toBe(START);
      for (const foreign of [
        '0000000000000042',
        '00000000000000004141:0000000000000000004',
        42,
        'x',
      ])
        expect(parseEsdbPosition(foreign)).toBeUndefined();
      expect(fromEsdbCheckpoint(START)).toBeUndefined();
    });
  });

  describe('event ids', () => {
    it('are the same for the same command and index, from any instance, and differ otherwise', () => {
      const id = esdbEventId('cmd-1', 0);
      expect(esdbEventId('cmd-1', 0)).toBe(id);
      expect(new Set([id, esdbEventId('cmd-1', 1), esdbEventId('cmd-2', 0)]).size).toBe(3);
    });

    it('are RFC 9562 UUIDs (version 8), as the server requires', () => {
      expect(esdbEventId('3f0c9a52-8d1e-4c5b-9a7e-2b1d0c4e6f80', 3)).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });
  });

  describe('metadata', () => {
    const metadata: EventMetadata = {
      eventId: 'e-1',
      commandId: 'c-1',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      actor: { id: 'ana', kind: 'agent' },
      occurredAt: '2026-03-01T10:00:00.000Z',
      recordedAt: '2026-03-01T10:00:01.000Z',
      schemaVersion: 1,
    };

    it("keeps correlation and causation under EventStoreDB's names, the rest as heard names it", () => {
      expect(toEsdbMetadata(metadata)).toEqual({
        $correlationId: 'corr-1',
        $causationId: 'cause-1',
        eventId: 'e-1',
        commandId: 'c-1',
        actor: { id: 'ana', kind: 'agent' },
        occurredAt: '2026-03-01T10:00:00.000Z',
        recordedAt: '2026-03-01T10:00:01.000Z',
        schemaVersion: 1,
      });
    });

    it('comes back as it went, whatever JSON did to it on the way', () => {
      const stored = JSON.parse(JSON.stringify(toEsdbMetadata(metadata))) as unknown;
      expect(fromEsdbMetadata(stored, new Date(0))).toEqual(metadata);
    });

    it('writes no time of record of its own: the server’s is one clock for every instance', () => {
      const { recordedAt: _, ...fresh } = metadata;
      expect(toEsdbMetadata(fresh)).not.toHaveProperty('recordedAt');
    });

    it("takes the server's time of record for an event written without one", () => {
      const { recordedAt: _, ...written } = toEsdbMetadata(metadata);
      expect(fromEsdbMetadata(written, new Date('2026-03-01T10:00:02Z')).recordedAt).toBe(
        '2026-03-01T10:00:02.000Z',
      );
    });
  });

  describe("heard's streams on the server", () => {
    const streams = new HeardStreams();

    it('are under a prefix of their own, heard- unless told', () => {
      expect(streams.onServer('case-c1')).toBe('heard-case-c1');
      expect(streams.command('cmd-1')).toBe('heard-command-cmd-1');
      expect(streams.eventPrefixes()).toEqual([
        'heard-case-',
        'heard-issue-',
        'heard-change-',
        'heard-incident-',
        'heard-customer-',
        'heard-kpi-',
      ]);
    });

    it("read back as heard's ids: heard's events only, not the server's, another application's nor the command records", () => {
      expect(streams.fromServer('heard-case-c1', 'CaseOpened')).toBe('case-c1');
      for (const stream of ['issue-i1', 'change-c1', 'incident-x', 'customer-cu1'])
        expect(streams.fromServer(`heard-${stream}`, 'SomethingHappened')).toBe(stream);
      expect(streams.fromServer('$stats-127.0.0.1:2113', '$statsCollected')).toBeUndefined();
      expect(streams.fromServer('$$heard-case-c1', '$metadata')).toBeUndefined();
      expect(streams.fromServer('heard-case-c1', '$metadata')).toBeUndefined();
      expect(streams.fromServer(streams.command('cmd-1'), 'CommandRecorded')).toBeUndefined();
      // Another application's streams on the same server, even named like heard's.
      expect(streams.fromServer('case-c1', 'CaseOpened')).toBeUndefined();
      expect(streams.fromServer('orders-1', 'OrderPlaced')).toBeUndefined();
    });

    it('keep the names of a store written before prefixes when the prefix is empty', () => {
      const unprefixed = new HeardStreams('');
      expect(unprefixed.onServer('case-c1')).toBe('case-c1');
      expect(unprefixed.fromServer('case-c1', 'CaseOpened')).toBe('case-c1');
      expect(unprefixed.command('cmd-1')).toBe('heard-command-cmd-1');
      expect(unprefixed.fromServer('heard-command-cmd-1', 'CommandRecorded')).toBeUndefined();
    });

    it('take the prefix from the connection string, and give the client the rest', () => {
      const cases: Array<[string, string, string]> = [
        ['esdb://h:2113?tls=false', 'esdb://h:2113?tls=false', 'heard-'],
        [
          'esdb://h:2113?tls=false&heardStreamPrefix=acme.heard-',
          'esdb://h:2113?tls=false',
          'acme.heard-',
        ],
        ['esdb://h:2113?heardStreamPrefix=&tls=false', 'esdb://h:2113?tls=false', ''],
        ['esdb://h:2113?heardStreamPrefix=t1-', 'esdb://h:2113', 't1-'],
        [
          'esdb+discover://a:2113,b:2113?tls=false&heardStreamPrefix=x-&keepAliveTimeout=10000',
          'esdb+discover://a:2113,b:2113?tls=false&keepAliveTimeout=10000',
          'x-',
        ],
      ];
      for (const [given, clientUrl, prefix] of cases)
        expect(parseEsdbLocation(given)).toEqual({ clientUrl, streams: new HeardStreams(prefix) });
    });

    it('refuse a prefix that is not a plain stream-name start, naming the setting', () => {
      expect(() => parseEsdbLocation('esdb://h?heardStreamPrefix=a%20b')).toThrow(
        /heardStreamPrefix must be at most 50 letters, digits/,
      );
      expect(() => new HeardStreams('x'.repeat(51))).toThrow(/heardStreamPrefix/);
    });
  });

  describe('errors', () => {
    it("maps the client's expected revisions and its conflict to the port's", () => {
      expect(toEsdbExpectedRevision('no_stream')).toBe('no_stream');
      expect(toEsdbExpectedRevision('any')).toBe('any');
      expect(toEsdbExpectedRevision(4)).toBe(4n);
      const fromServer = new WrongExpectedVersionError(undefined, {
        streamName: 'case-c1',
        expected: 4n,
        current: 6n,
      });
      const conflict = toWrongExpectedRevision('case-c1', 4, fromServer.actualVersion);
      expect(conflict).toBeInstanceOf(WrongExpectedRevision);
      expect(conflict).toMatchObject({ streamId: 'case-c1', expected: 4, actual: 6 });
      const none = new WrongExpectedVersionError(undefined, {
        streamName: 'case-c2',
        expected: 0n,
        current: 'no_stream',
      });
      expect(toWrongExpectedRevision('case-c2', 0, none.actualVersion).actual).toBe('no_stream');
    });
  });

  it('waits longer after each failed reconnect, up to 10 s, and spreads instances with jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => reconnectDelayMs(a))).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(reconnectDelayMs(3, 1)).toBe(500);
    expect(reconnectDelayMs(0)).toBe(250);
  });
});

describe("a page of $all, as the adapter's readAll takes it", () => {
  const record = (commit: bigint, streamId: string, type: string): AllStreamResolvedEvent =>
    ({
      event: {
        streamId,
        id: `id-${commit}`,
        isJson: true,
        revision: 0n,
        type,
        created: new Date('2026-03-01T10:00:00Z'),
        data: { commit: String(commit) },
        metadata: { $correlationId: 'c', $causationId: 'c', eventId: `e-${commit}` },
        position: { commit, prepare: commit },
      },
    }) as unknown as AllStreamResolvedEvent;
  // Read as the client's stream is: one record at a time, asynchronously.
  const records = (...items: AllStreamResolvedEvent[]) =>
    Object.assign(Readable.from(items), { cancel: () => Promise.resolve() });
  const at = (commit: bigint) => toEsdbCheckpoint({ commit, prepare: commit });

  it("skips the record it resumes at, the server's records and heard's command records", async () => {
    const page = await takeHeardEvents(
      records(
        record(10n, 'heard-case-a', 'CaseOpened'),
        record(11n, '$stats-node', '$statsCollected'),
        record(12n, 'heard-command-cmd-1', 'heard.CommandRecorded'),
        record(13n, 'heard-case-b', 'CaseOpened'),
      ),
      at(10n),
      100,
      new HeardStreams(),
    );
    expect(page.events.map((e) => [e.streamId, e.position, e.metadata.eventId])).toEqual([
      ['case-b', at(13n), 'e-13'],
    ]);
    expect(page).toMatchObject({ read: 4, last: at(13n) });
  });

  it('stops at the limit, and says where a page of server records ended', async () => {
    const full = await takeHeardEvents(
      records(
        record(1n, 'heard-case-a', 'E'),
        record(2n, 'heard-case-b', 'E'),
        record(3n, 'heard-case-c', 'E'),
      ),
      START,
      2,
      new HeardStreams(),
    );
    expect(full.events.map((e) => e.streamId)).toEqual(['case-a', 'case-b']);
    const onlyServer = await takeHeardEvents(
      records(record(5n, '$x', '$y'), record(6n, '$x', '$y')),
      START,
      2,
      new HeardStreams(),
    );
    expect(onlyServer).toEqual({ events: [], read: 2, last: at(6n) });
  });
});
