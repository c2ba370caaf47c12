import type { Checkpoint, RecordedEvent, SubscribeOptions, Subscription } from './event-store.port';

interface PollingSource {
  readAll(options: { after: Checkpoint; limit: number }): Promise<RecordedEvent[]>;
  /**
   * Calls `wake` when something may have been appended (this process's appends, a NOTIFY,
   * a live server subscription); returns how to stop telling, awaited when it is async.
   */
  onAppended(wake: () => void): () => void | Promise<void>;
  /** Read again this often even without being woken (appends of other processes). */
  pollIntervalMs?: number;
}

/**
 * For adapters whose `readAll` never skips an event that commits later with a lower
 * position (SQLite: one writer at a time, positions taken at commit): reads from a
 * position, then follows appends, woken by the adapter and polling besides. Durable (the
 * caller keeps the position) and in global order.
 */
export const followByReading = (source: PollingSource, options: SubscribeOptions): Subscription => {
  const batchSize = options.batchSize ?? 1000;
  const pollIntervalMs = source.pollIntervalMs ?? 1000;
  let position = options.after;
  let running = true;
  let wake: (() => void) | undefined;
  const unsubscribe = source.onAppended(() => wake?.());
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = async () => {
    let attempt = 0;
    while (running) {
      try {
        const events = await source.readAll({ after: position, limit: batchSize });
        if (!running) break;
        if (events.length === 0) {
          await sleep(pollIntervalMs);
          continue;
        }
        await options.onBatch(events);
        position = events[events.length - 1]!.position;
        attempt = 0;
        // With an in-process store every await above resolves at once: let I/O (requests)
        // run between batches, or a catch-up would hold the event loop until it is done.
        await new Promise<void>((resolve) => setImmediate(resolve));
      } catch (error) {
        attempt += 1;
        options.onError?.(error, attempt);
        await sleep(Math.min(100 * 2 ** attempt, 5000));
      }
    }
  };
  const done = loop();

  return {
    get position() {
      return position;
    },
    async stop() {
      running = false;
      const unsubscribed = unsubscribe();
      wake?.();
      await done;
      await unsubscribed;
    },
  };
};
