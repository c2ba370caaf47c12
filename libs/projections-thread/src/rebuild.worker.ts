import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore } from '@heard/event-store';
import { defaultProjections, ProjectionRunner } from '@heard/projections';
import { SqliteReadStore } from '@heard/read-store';
import { CustomerKeys, PersonalDataEventStore } from '@heard/security';
import type { FromRebuildThread, RebuildThreadData } from './parallel-rebuild';

/**
 * One thread of a parallel rebuild: reads every event (opening customers' words with the
 * keys in the read-models file, as heard does) and replays its projections into a file of
 * its own, which the calling thread merges once every thread is done.
 */
const data = workerData as RebuildThreadData;
const post = (message: FromRebuildThread) => parentPort!.postMessage(message);

const run = async (): Promise<void> => {
  // Only read here: the customers' keys (the calling thread checkpoints that file).
  const keysStore = new SqliteReadStore(data.readStoreFile, { walCheckpoints: false });
  const keys = new CustomerKeys(keysStore, Buffer.from(data.masterKey));
  try {
    await keys.check(); // the wrong master key: refused by name, not by a failed decryption
  } catch (error) {
    await keysStore.close();
    throw error;
  }
  const events = new PersonalDataEventStore(
    new SqliteEventStore(data.eventStoreFile, { walCheckpoints: false, cacheMb: 2 }),
    keys,
  );
  const own = new SqliteReadStore(data.ownFile);
  const runner = new ProjectionRunner(
    events,
    own,
    defaultProjections(data.rules).filter((p) => data.names.includes(p.name)),
    undefined,
    data.batchSize,
  );
  try {
    await runner.rebuild(data.names, (eventsRead, total) =>
      post({ type: 'progress', eventsRead, events: total }),
    );
  } finally {
    await runner.stop();
    await own.close();
    await events.close();
    await keysStore.close();
  }
};

run().then(
  () => post({ type: 'done' }),
  (error: unknown) =>
    post({
      type: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }),
);
