import { parentPort, workerData } from 'node:worker_threads';
import { startIdleCollection } from '@heard/config';
import { SqliteEventStore } from '@heard/event-store';
import { EventPublisher, KafkaTransport, OutboxRelay } from '@heard/messaging';
import { defaultProjections, ProjectionRunner, type RebuildProgress } from '@heard/projections';
import { SqliteReadStore } from '@heard/read-store';
import { CustomerKeys, PersonalDataEventStore } from '@heard/security';
import type {
  FromThread,
  OutboundPart,
  OutboundStatus,
  ProjectionsThreadData,
  ToThread,
} from './projections-thread.protocol';

/**
 * The projections thread: its own connections to both SQLite files, so that projection
 * batches, their commits and their statements never hold the API thread's event loop.
 */
const data = workerData as ProjectionsThreadData;
const port = parentPort!;
const post = (message: FromThread) => port.postMessage(message);

// The API thread appends and checkpoints events.db; this thread only reads it, in order:
// a small page cache (resident memory) is enough.
const appended = new SqliteEventStore(data.eventStoreFile, { walCheckpoints: false, cacheMb: 2 });
// The API thread's read store checkpoints read-models.db.
const reads = new SqliteReadStore(data.readStoreFile, {
  walCheckpoints: false,
  writeGate: data.readStoreWriteGate,
});
const events = new PersonalDataEventStore(
  appended,
  new CustomerKeys(reads, Buffer.from(data.masterKey)),
);
const logger = {
  log: (message: string) => post({ type: 'log', level: 'log', message }),
  error: (message: string, error?: unknown) =>
    post({
      type: 'log',
      level: 'error',
      message: `${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    }),
};
const runner = new ProjectionRunner(
  events,
  reads,
  defaultProjections(data.rules),
  logger,
  data.batchSize,
);

/** With Kafka: the relay and the publisher, made at their first start. */
let outbound:
  { transport: KafkaTransport; relay: OutboxRelay; publisher: EventPublisher } | undefined;
const openOutbound = (settings: NonNullable<ProjectionsThreadData['outbound']>) => {
  const transport = new KafkaTransport({
    ...settings.kafka,
    log: (level, message) =>
      level === 'error' ? logger.error(message) : post({ type: 'log', level: 'log', message }),
  });
  return {
    transport,
    relay: new OutboxRelay(reads, transport, {
      intervalMs: settings.relayIntervalMs,
      maxBatchBytes: settings.maxBatchBytes,
      topics: settings.kafka.topics,
      logger,
    }),
    publisher: new EventPublisher(
      events,
      reads,
      transport,
      logger,
      settings.kafka.topics,
      settings.publishBatch,
      settings.maxBatchBytes,
    ),
  };
};
const outboundStatus = (): OutboundStatus | undefined =>
  outbound && {
    relay: outbound.relay.status(),
    publisher: outbound.publisher.status(),
    produced: outbound.transport.stats().produced,
  };
// The API thread's health and metrics read these: told often enough for a stall to show.
let toldStatus = '';
const tellStatus = () => {
  const status = outboundStatus();
  const text = JSON.stringify(status);
  if (!status || text === toldStatus) return;
  toldStatus = text;
  post({ type: 'outbound-status', status });
};
const statusTimer = setInterval(tellStatus, 250);
statusTimer.unref();
const outboundPart = async (part: OutboundPart, action: 'start' | 'stop'): Promise<void> => {
  if (!data.outbound)
    throw new Error('No Kafka: the relay and the publisher run in the API thread');
  if (action === 'stop' && !outbound) return; // never started: no producer to make
  outbound ??= openOutbound(data.outbound);
  await outbound[part][action]();
  tellStatus();
};

const positions = () => runner.status().map((s): [string, string] => [s.name, s.position]);
const builds = () =>
  runner
    .status()
    .flatMap((s): Array<[string, RebuildProgress]> =>
      s.rebuilding ? [[s.name, s.rebuilding]] : [],
    );
let lastBatchAt = Date.now();
runner.onApplied(() => {
  lastBatchAt = Date.now();
  post({ type: 'applied', positions: positions(), builds: builds() });
  // Whatever the batch put in the outbox goes out now, not at the next tick.
  outbound?.relay.poke();
});
const idle = startIdleCollection(() => lastBatchAt);

const handle = async (message: ToThread): Promise<void> => {
  switch (message.type) {
    case 'appended':
      return appended.notifyAppended();
    case 'poke-relay':
      return outbound?.relay.poke();
    case 'outbound':
      await outboundPart(message.part, message.action);
      break;
    case 'start':
      await runner.start();
      break;
    case 'rebuild':
      await runner.rebuild(message.names, (eventsRead, events) =>
        post({ type: 'progress', eventsRead, events }),
      );
      break;
    case 'stop':
      idle.stop();
      clearInterval(statusTimer);
      if (outbound) {
        await outbound.relay.stop();
        await outbound.publisher.stop();
        await outbound.transport.close();
      }
      await runner.stop();
      await reads.close();
      await appended.close();
      break;
  }
  post({ type: 'done', id: message.id, positions: positions(), builds: builds() });
};

port.on('message', (message: ToThread) => {
  handle(message).catch((error: unknown) => {
    if (message.type === 'appended' || message.type === 'poke-relay') return;
    post({
      type: 'failed',
      id: message.id,
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  });
});
