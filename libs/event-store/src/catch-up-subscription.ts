import type { EventStore, RecordedEvent } from './event-store.port';

export interface CatchUpOptions {
  /** Start after this global position. */
  after: number;
  batchSize?: number;
  /** Poll this often even without a notification, to see appends of other processes. */
  pollIntervalMs?: number;
  /** Handles a batch; when it throws, the same batch is retried after a backoff: nothing is skipped. */
  onBatch: (events: RecordedEvent[]) => Promise<void>;
  onError?: (error: unknown, attempt: number) => void;
}

export interface Subscription {
  readonly position: number;
  stop(): Promise<void>;
}

/**
 * Reads the store from a position, then follows live appends: durable (the caller keeps
 * the position) and in global order. Replaces an in-memory event bus for projections.
 */
export const subscribeToAll = (store: EventStore, options: CatchUpOptions): Subscription => {
  const batchSize = options.batchSize ?? 1000;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  let position = options.after;
  let running = true;
  let wake: (() => void) | undefined;
  const unsubscribe = store.onAppended(() => wake?.());
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
        const events = await store.readAll({ after: position, limit: batchSize });
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
      unsubscribe();
      wake?.();
      await done;
    },
  };
};
