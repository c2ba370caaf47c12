import { randomUUID } from 'node:crypto';
import { redactUrl } from '@heard/config';
import { openEventStore } from '@heard/event-store';
import { appendRate, contactEvent, log, round } from './workload';

/**
 * The store figures on an EventStoreDB server (`npm run bench -- --store esdb://…`): appends
 * as heard makes them (64 appenders, one command each: its events, read back by id, and its
 * command record), then reading them back through $all as the projections do. It writes
 * streams of its own (bench-<run>-…) and command records; EventStoreDB deletes nothing, so
 * point it at a server for benchmarks.
 */
export const esdbBench = async (url: string, o: { appendEvents: number }) => {
  const store = await openEventStore({ kind: 'esdb', url }, '--store');
  const run = randomUUID().slice(0, 8);
  try {
    log(`EventStoreDB at ${redactUrl(url)}: ${o.appendEvents} events, 64 concurrent appenders`);
    const from = await store.head();
    const appendPerSecond = await appendRate(o.appendEvents, 64, (i) => {
      const event = contactEvent(i);
      return store.append(`bench-${run}-${i}`, [event], {
        expectedRevision: 'no_stream',
        commandId: event.metadata.commandId,
      });
    });
    const readStarted = process.hrtime.bigint();
    let read = 0;
    for (let page = await store.readAll({ after: from, limit: 1000 }); page.length > 0;) {
      read += page.length;
      page = await store.readAll({ after: page[page.length - 1]!.position, limit: 1000 });
    }
    const readSeconds = Number(process.hrtime.bigint() - readStarted) / 1e9;
    const figures = {
      server: redactUrl(url),
      append: {
        events: o.appendEvents,
        appenders: 64,
        eventsPerSecond: appendPerSecond,
      },
      readAll: { events: read, eventsPerSecond: round(read / readSeconds) },
    };
    log(
      `  append (heard's path: events, read-back, command record): ${figures.append.eventsPerSecond} events/s`,
    );
    log(`  read back through $all: ${figures.readAll.eventsPerSecond} events/s (${read} events)`);
    return figures;
  } finally {
    await store.close();
  }
};
