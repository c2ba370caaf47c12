import { parentPort, workerData } from 'node:worker_threads';
import { startIdleCollection } from '@heard/config';
import { SqliteEventStore } from '@heard/event-store';
import { defaultProjections, ProjectionRunner } from '@heard/projections';
import { SqliteReadStore } from '@heard/read-store';
import { CustomerKeys, PersonalDataEventStore } from '@heard/security';
import type { FromThread, ProjectionsThreadData, ToThread } from './projections-thread.protocol';

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
const runner = new ProjectionRunner(
  new PersonalDataEventStore(appended, new CustomerKeys(reads, Buffer.from(data.masterKey))),
  reads,
  defaultProjections(data.rules),
  {
    log: (message) => post({ type: 'log', level: 'log', message }),
    error: (message, error) =>
      post({
        type: 'log',
        level: 'error',
        message: `${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      }),
  },
  data.batchSize,
);
const positions = () => runner.status().map((s): [string, string] => [s.name, s.position]);
let lastBatchAt = Date.now();
runner.onApplied(() => {
  lastBatchAt = Date.now();
  post({ type: 'applied', positions: positions() });
});
const idle = startIdleCollection(() => lastBatchAt);

const handle = async (message: ToThread): Promise<void> => {
  switch (message.type) {
    case 'appended':
      return appended.notifyAppended();
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
      await runner.stop();
      await reads.close();
      await appended.close();
      break;
  }
  post({ type: 'done', id: message.id, positions: positions() });
};

port.on('message', (message: ToThread) => {
  handle(message).catch((error: unknown) => {
    if (message.type === 'appended') return;
    post({
      type: 'failed',
      id: message.id,
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  });
});
