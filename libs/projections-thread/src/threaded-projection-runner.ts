import { Worker } from 'node:worker_threads';
import {
  compiledWorkerFile,
  WorkerCalls,
  type EventStore,
  type WithoutId,
} from '@heard/event-store';
import { ProjectionRunner, type Projection, type RunnerLogger } from '@heard/projections';
import type { ReadStore } from '@heard/read-store';
import type {
  FromThread,
  OutboundPart,
  OutboundStatus,
  ProjectionsThreadData,
  ToThread,
} from './projections-thread.protocol';

/** The calls answered by the thread (the others are notices). */
type ThreadCall = WithoutId<Exclude<ToThread, { type: 'appended' } | { type: 'poke-relay' }>>;

/** Restarts of a thread that died, less and less often, up to this. */
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The projection runner of the embedded default: the projections run in a worker thread
 * with their own SQLite connections (see projections.worker.ts), and this side, in the API
 * thread, keeps what the API needs: their positions (read-your-writes, health), told by the
 * thread after each commit, and the "applied" signal the outbox relay follows. A thread that
 * dies is started again; until then status says the projections are not running.
 */
export class ThreadedProjectionRunner extends ProjectionRunner {
  private worker?: Worker;
  private calls?: WorkerCalls<void, ThreadCall>;
  private running = false;
  private wanted = false;
  private restarts = 0;
  private restartTimer?: NodeJS.Timeout;
  private onProgress?: (eventsRead: number, events: number) => void;
  /** The relay and publisher started in the thread (started again with a new thread). */
  private readonly outboundStarted = new Set<OutboundPart>();
  private outboundNow?: OutboundStatus;

  constructor(
    events: EventStore,
    readStore: ReadStore,
    projections: readonly Projection[],
    logger: RunnerLogger,
    private readonly thread: ProjectionsThreadData,
    /** The API thread's appends, told to the thread as they commit (until the store closes). */
    appends: { onAppended(listener: () => void): () => void },
  ) {
    super(events, readStore, projections, logger, thread.batchSize);
    let told = false;
    // One message per turn of the event loop at most, however many commits it had.
    appends.onAppended(() => {
      if (told || !this.worker) return;
      told = true;
      setImmediate(() => {
        told = false;
        this.worker?.postMessage({ type: 'appended' } satisfies ToThread);
      });
    });
  }

  override async start(): Promise<void> {
    this.stopObserving();
    this.wanted = true;
    if (!this.worker) await this.startThread();
  }

  private async startThread(): Promise<void> {
    const worker = new Worker(compiledWorkerFile(__dirname, 'projections.worker'), {
      workerData: this.thread,
    });
    this.worker = worker;
    worker.on('message', (message: FromThread) => this.receive(message));
    worker.on('error', (error) => this.logger.error('The projections thread failed', error));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.running = false;
      this.outboundNow = undefined;
      calls.failAll(new Error(`The projections thread exited (${code})`));
      if (!this.wanted) return;
      const delay = Math.min(1000 * 2 ** this.restarts++, MAX_RESTART_DELAY_MS);
      this.logger.error(
        `The projections thread exited (${code}); starting it again in ${delay} ms`,
      );
      this.restartTimer = setTimeout(
        () =>
          void this.startThread().catch((error: unknown) =>
            this.logger.error('The projections thread did not start', error),
          ),
        delay,
      );
      this.restartTimer.unref();
    });
    const calls = new WorkerCalls<void, ThreadCall>(worker);
    this.calls = calls;
    await this.ask({ type: 'start' });
    this.running = true;
    this.restarts = 0;
    for (const part of this.outboundStarted)
      await this.ask({ type: 'outbound', part, action: 'start' });
  }

  /** With Kafka: the relay and the publisher run in the thread (see threaded-outbound.ts). */
  get runsOutbound(): boolean {
    return !!this.thread.outbound;
  }

  async outbound(part: OutboundPart, action: 'start' | 'stop'): Promise<void> {
    if (action === 'start') this.outboundStarted.add(part);
    else this.outboundStarted.delete(part);
    // Stopped with the thread, or started with it when it starts.
    if (!this.worker) return;
    await this.ask({ type: 'outbound', part, action });
  }

  pokeRelay(): void {
    this.worker?.postMessage({ type: 'poke-relay' } satisfies ToThread);
  }

  /** As the thread last told it; nothing before the thread's relay or publisher started. */
  outboundStatus(): OutboundStatus | undefined {
    return this.outboundNow;
  }

  private receive(message: FromThread): void {
    switch (message.type) {
      case 'applied':
        return this.advance(message.positions, message.builds);
      case 'progress':
        return this.onProgress?.(message.eventsRead, message.events);
      case 'outbound-status':
        this.outboundNow = message.status;
        return;
      case 'log':
        return message.level === 'log'
          ? this.logger.log(message.message)
          : this.logger.error(message.message);
      case 'done':
        this.advance(message.positions, message.builds);
        return this.calls?.answer(message.id, { reply: undefined });
      case 'failed':
        return this.calls?.answer(message.id, { error: new Error(message.message) });
    }
  }

  /** Asks the thread; it keeps the process running until it answers (a CLI's rebuild). */
  private ask(message: ThreadCall): Promise<void> {
    if (!this.worker || !this.calls)
      return Promise.reject(new Error('The projections thread is not running'));
    return this.calls.call(message);
  }

  override async rebuild(
    names: readonly string[],
    onProgress?: (eventsRead: number, events: number) => void,
  ): Promise<void> {
    for (const name of names)
      if (!this.byName.has(name))
        throw new Error(`Unknown projection ${name}; known: ${[...this.byName.keys()].join(', ')}`);
    this.onProgress = onProgress;
    try {
      await this.ask({ type: 'rebuild', names: [...names] });
    } finally {
      this.onProgress = undefined;
    }
  }

  protected override isRunning(): boolean {
    return this.running;
  }

  override async stop(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.restartTimer);
    await super.stop(); // the observer, when it observes
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.ask({ type: 'stop' });
    } catch (error) {
      this.logger.error('The projections thread did not stop cleanly', error);
    }
    this.running = false;
    this.worker = undefined;
    await worker.terminate();
  }
}
