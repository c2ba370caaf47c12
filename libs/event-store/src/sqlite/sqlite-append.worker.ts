import { parentPort, workerData } from 'node:worker_threads';
import { Database, startIdleCollection } from '@heard/config';
import { SqliteAppender, type AppendOutcome, type AppendRequest } from './sqlite-appender';

/** What the append thread is started with. */
export interface AppendThreadData {
  file: string;
  cacheMb: number;
}

export type ToAppendThread =
  { type: 'commit'; id: number; batch: AppendRequest[] } | { type: 'close'; id: number };

export type FromAppendThread =
  | { id: number; outcomes: AppendOutcome[] }
  | { id: number; failed: { message: string; code?: string } };

/**
 * The append thread: the event store's writer connection. A commit with synchronous=FULL
 * waits for the disk (fsync); here it waits in this thread, and the API thread's event loop
 * goes on serving requests, which queue the next group of appends meanwhile.
 */
const data = workerData as AppendThreadData;
const port = parentPort!;
const db = new Database(data.file);
db.pragma('journal_mode = WAL');
// Checkpoints run in the WAL checkpointer's thread, not inside these commits.
db.pragma('wal_autocheckpoint = 0');
// WAL with NORMAL may lose the last commits on power loss.
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
db.pragma(`cache_size = -${data.cacheMb * 1024}`);
const appender = new SqliteAppender(db);
// The groups copied in from the API thread grow this thread's heap too.
let lastCommitAt = Date.now();
const idle = startIdleCollection(() => lastCommitAt);

port.on('message', (message: ToAppendThread) => {
  lastCommitAt = Date.now();
  if (message.type === 'close') {
    idle.stop();
    db.close();
    port.postMessage({ id: message.id, outcomes: [] } satisfies FromAppendThread);
    return;
  }
  try {
    port.postMessage({
      id: message.id,
      outcomes: appender.commit(message.batch),
    } satisfies FromAppendThread);
  } catch (error) {
    const failed = error as { message?: string; code?: string };
    port.postMessage({
      id: message.id,
      failed: { message: String(failed.message ?? error), code: failed.code },
    } satisfies FromAppendThread);
  }
});
