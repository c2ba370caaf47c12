import { setFlagsFromString } from 'node:v8';

interface IdleCollectorOptions {
  /** When the thread last had work (a request, a batch), in ms since the epoch. */
  lastActivityAt: () => number;
  /** V8's heap as committed now, in bytes. */
  heapTotal: () => number;
  /** A full collection. */
  collect: () => void;
  now?: () => number;
  /** Quiet for this long counts as idle. */
  quietMs?: number;
  /** Collect only when the heap grew by more than this since the last collection. */
  growthBytes?: number;
}

/**
 * One full, compacting garbage collection when a thread goes quiet after its heap grew. V8
 * collects when JavaScript allocates, and an idle heard allocates nothing: after a burst of
 * large batches its heap and RSS would stay at their peak, most of it garbage (the benchmark
 * report has the figures). Each of heard's threads (API, projections, appends) runs one: every V8 heap is
 * its own.
 */
export class IdleCollector {
  private readonly now: () => number;
  private readonly quietMs: number;
  private readonly growthBytes: number;
  private baseline: number;

  constructor(private readonly options: IdleCollectorOptions) {
    this.now = options.now ?? Date.now;
    this.quietMs = options.quietMs ?? 5_000;
    this.growthBytes = options.growthBytes ?? 32 << 20;
    this.baseline = options.heapTotal();
  }

  /** Call now and then; collects when due, and says whether it did. */
  sample(): boolean {
    const heap = this.options.heapTotal();
    // The heap shrank by itself: measure growth from there.
    if (heap < this.baseline) this.baseline = heap;
    if (heap - this.baseline <= this.growthBytes) return false;
    if (this.now() - this.options.lastActivityAt() < this.quietMs) return false;
    this.options.collect();
    this.baseline = this.options.heapTotal();
    return true;
  }
}

/**
 * V8's full collection, compacting every page: `gc`, which `--expose-gc` on the command line
 * gives (`npm start`, `heard start` and the image pass it); without it, undefined, and heard
 * collects only as V8 decides. A plain full collection frees the garbage but moves objects
 * off only a few fragmented pages: after loading 300,000 events heard's heap kept 270 MB
 * committed for 69 MB in use. Compacting lets V8 give the empty pages back. V8 has no option
 * of `gc()` for that, so the compaction flag is set around the call; V8's flags are the
 * process's: another thread collecting meanwhile may compact too, which is only slower.
 */
export const fullCollection = (): (() => void) | undefined => {
  const gc = (globalThis as { gc?: unknown }).gc;
  if (typeof gc !== 'function') return undefined;
  return () => {
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      (gc as () => void)();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
};

/** Samples every second until stopped: collects once the thread has been quiet (see above). */
export const startIdleCollection = (lastActivityAt: () => number): { stop(): void } => {
  const collect = fullCollection();
  if (!collect) return { stop: () => undefined };
  const collector = new IdleCollector({
    lastActivityAt,
    heapTotal: () => process.memoryUsage().heapTotal,
    collect,
  });
  const timer = setInterval(() => collector.sample(), 1_000).unref();
  return { stop: () => clearInterval(timer) };
};
