import type { ReadStore } from '@heard/read-store';
import { enqueueDueFollowUps } from './follow-ups.queries';

interface SchedulerLogger {
  error(message: string, error?: unknown): void;
}

/**
 * The scheduler role: every interval, puts the "did it work?" follow-ups that came due in
 * the outbox (once each: their message ids are their triggers'), and tells whoever relays.
 */
export class FollowUpScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private queued = 0;
  private passAt = 0;

  constructor(
    private readonly reads: ReadStore,
    private readonly options: {
      intervalMs: number;
      /** Called when a pass queued messages (the relay sends them now, not at its next tick). */
      onQueued?: () => void;
      logger?: SchedulerLogger;
      now?: () => number;
    },
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.pass(), this.options.intervalMs);
    this.timer.unref();
    await this.pass();
  }

  private pass(): Promise<void> {
    this.running ??= (async () => {
      try {
        const added = await enqueueDueFollowUps(this.reads, (this.options.now ?? Date.now)());
        this.queued += added;
        this.passAt = Date.now();
        if (added > 0) this.options.onQueued?.();
      } catch (error) {
        this.options.logger?.error(
          'Queueing due follow-ups failed; retrying at the next interval',
          error,
        );
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  status() {
    return { running: !!this.timer, queued: this.queued, lastPassAt: this.passAt };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
