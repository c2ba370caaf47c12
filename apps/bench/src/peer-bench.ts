import { join } from 'node:path';
import { SqliteEventStore, START } from '@heard/event-store';
import { loadPeers } from './peers';
import { appendRate, contactEvent, log, round } from './workload';

export interface StoreFigures {
  appendEventsPerSecond: number;
  readAllEventsPerSecond: number;
}

export interface PeerFigures {
  /** What the peer is, and how it was set up to do the same work. */
  peer: string;
  events: number;
  appenders: number;
  heard: StoreFigures;
  emmettSqlite: StoreFigures;
  /** heard's figure over the peer's: above 1, heard is ahead. */
  ratio: { append: number; readAll: number };
}

const PAGE = 1000;

const readRate = async (read: () => Promise<number>, events: number) => {
  const started = process.hrtime.bigint();
  const seen = await read();
  if (seen !== events) throw new Error(`read back ${seen} events of ${events}`);
  return round(events / (Number(process.hrtime.bigint() - started) / 1e9));
};

/**
 * heard's embedded store beside Emmett's SQLite event store (@event-driven-io/emmett-sqlite),
 * on the same work: the same events, one per new stream, from the same number of concurrent
 * appenders, each append durable (WAL, synchronous=FULL) before it resolves; then every event
 * read back in global order, a page at a time.
 *
 * Emmett gets one shared connection: with its default (a new connection per append), 64
 * concurrent appenders stalled on SQLite's lock here (23 events in ten minutes).
 */
export const peerBench = async (work: string, events: number, appenders = 64) => {
  log(`Peer: Emmett's SQLite event store, ${events} events, ${appenders} concurrent appenders`);
  const heardStore = new SqliteEventStore(join(work, 'peer', 'heard.db'));
  const heard: StoreFigures = {
    appendEventsPerSecond: await appendRate(events, appenders, (i) => {
      const event = contactEvent(i);
      return heardStore.append(`case-peer-${i}`, [event], {
        expectedRevision: 'no_stream',
        commandId: event.metadata.commandId,
      });
    }),
    readAllEventsPerSecond: await readRate(async () => {
      let after = START;
      let seen = 0;
      for (;;) {
        const page = await heardStore.readAll({ after, limit: PAGE });
        if (page.length === 0) return seen;
        seen += page.length;
        after = page[page.length - 1]!.position;
      }
    }, events),
  };
  await heardStore.close();

  const emmett = await loadPeers().openEmmettSqlite(join(work, 'peer', 'emmett.db'));
  const emmettSqlite: StoreFigures = {
    appendEventsPerSecond: await appendRate(events, appenders, (i) => {
      const { type, data, metadata } = contactEvent(i);
      return emmett.appendNew(`case-peer-${i}`, [
        { type, data: data as Record<string, unknown>, metadata },
      ]);
    }),
    readAllEventsPerSecond: await readRate(() => emmett.readAllCount(PAGE), events),
  };
  await emmett.close();

  const figures: PeerFigures = {
    peer: '@event-driven-io/emmett-sqlite 0.42.4 on node-sqlite3, WAL, synchronous=FULL, one shared connection',
    events,
    appenders,
    heard,
    emmettSqlite,
    ratio: {
      append: round(heard.appendEventsPerSecond / emmettSqlite.appendEventsPerSecond, 2),
      readAll: round(heard.readAllEventsPerSecond / emmettSqlite.readAllEventsPerSecond, 2),
    },
  };
  log(
    `  append: heard ${heard.appendEventsPerSecond} events/s, Emmett ${emmettSqlite.appendEventsPerSecond} events/s (heard ${figures.ratio.append}x)`,
  );
  log(
    `  read all back: heard ${heard.readAllEventsPerSecond} events/s, Emmett ${emmettSqlite.readAllEventsPerSecond} events/s (heard ${figures.ratio.readAll}x)`,
  );
  return figures;
};
