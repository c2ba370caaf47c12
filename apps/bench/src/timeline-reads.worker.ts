import { parentPort, workerData } from 'node:worker_threads';
import { readTimeline } from '@heard/projections';
import { SqliteReadStore } from '@heard/read-store';

/**
 * Reads customers' timelines one after another, as agents do, from a thread of its own
 * (as heard's API thread reads while its projections thread writes), until told to stop;
 * then answers each read's time in milliseconds.
 */
const { file, customers } = workerData as { file: string; customers: number };
const port = parentPort!;
const reads = new SqliteReadStore(file, { walCheckpoints: false });
let reading = true;
port.once('message', () => (reading = false));

void (async () => {
  const times: number[] = [];
  port.postMessage('reading');
  for (let i = 0; reading; i++) {
    const customerId = `cust-${String(1 + ((i * 7919) % customers)).padStart(6, '0')}`;
    const started = process.hrtime.bigint();
    await readTimeline(reads, customerId, { limit: 50 });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    // Its message (stop) gets its turn.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await reads.close();
  port.postMessage(times);
})();
