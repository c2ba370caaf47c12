import { sqliteDriverPath } from '@heard/config';
import { Worker } from 'node:worker_threads';

/** What the worker runs: its own connection, a passive checkpoint every interval. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 0 });
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next tick tries again */ }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/**
 * Checkpoints a WAL-mode SQLite file from a worker thread. SQLite's automatic checkpoint runs
 * inside the commit that crosses its threshold, and better-sqlite3 commits on the event loop:
 * copying a large WAL into the database and fsyncing it held every request for seconds. The
 * store's own connection turns the automatic checkpoint off (`wal_autocheckpoint = 0`) and
 * this one copies in the background; PASSIVE never waits for, nor blocks, a writer.
 */
export const startWalCheckpointer = (
  file: string,
  intervalMs = 1000,
  onError: (error: Error) => void = (error) =>
    process.emitWarning(`WAL checkpoints of ${file} stopped: ${error.message}; retrying`),
): WalCheckpointer => {
  let stopped = false;
  let restart: NodeJS.Timeout | undefined;
  let failures = 0;
  let worker: Worker;
  let exited: Promise<void>;
  const spawn = () => {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, intervalMs, driver: sqliteDriverPath },
    });
    worker.unref();
    exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // A worker that fails (its file cannot be opened) must not take the process with it: an
    // 'error' without a listener would. It is started again, less and less often.
    worker.on('error', (error) => {
      if (stopped) return;
      onError(error);
      failures += 1;
      restart = setTimeout(spawn, Math.min(1000 * 2 ** failures, 60_000));
      restart.unref();
    });
    worker.on('online', () => (failures = 0));
  };
  spawn();
  return {
    async stop() {
      stopped = true;
      clearTimeout(restart);
      worker.postMessage('stop');
      // A timer that holds the process: the worker is unref'd, and a shutdown waiting on it
      // alone would let the process exit before the rest of its shutdown ran.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
};
