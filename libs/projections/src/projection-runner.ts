import {
  earliest,
  later,
  START,
  type Checkpoint,
  type EventStore,
  type RecordedEvent,
  type Subscription,
} from '@heard/event-store';
import { migrateReadStore } from '@heard/read-store';
import type { Projection } from './projection';
import type { ReadStore } from '@heard/read-store';

export interface ProjectionStatus {
  name: string;
  /** The event store's position of the last event applied (START for none). */
  position: Checkpoint;
  version: number;
  running: boolean;
}

export interface RunnerLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

const SAVE_CHECKPOINT = `INSERT INTO projection_checkpoints (projection, position, version, updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (projection) DO UPDATE SET position = excluded.position, version = excluded.version, updated_at = excluded.updated_at`;

/**
 * Feeds the projections from their checkpoints: catches up at start, then follows live
 * appends. One subscription reads each batch once for all of them, and one read-store
 * transaction writes every projection's rows with its checkpoint, so a crash resumes
 * without counting anything twice. A projection behind the others (rebuilt, or new) gets
 * the events it has not applied; the others skip them.
 */
export class ProjectionRunner {
  private readonly positions = new Map<string, Checkpoint>();
  /** Events read by the subscription since it last started (a rebuild's progress). */
  private eventsRead = 0;
  private readonly waiters = new Set<() => void>();
  private readonly appliedListeners = new Set<() => void>();
  private readonly byName: Map<string, Projection>;
  private subscription?: Subscription;
  private active: Projection[] = [];

  constructor(
    private readonly events: EventStore,
    private readonly readStore: ReadStore,
    readonly projections: readonly Projection[],
    private readonly logger: RunnerLogger = { log: () => undefined, error: () => undefined },
    private readonly batchSize = 2000,
  ) {
    this.byName = new Map(projections.map((p) => [p.name, p]));
  }

  /** Creates tables, rebuilds projections whose version changed, and starts following. */
  async start(): Promise<void> {
    // The checkpoints and the outbox (shared tables) are the migrations' job.
    await migrateReadStore(this.readStore);
    for (const projection of this.projections) {
      await this.ensureSchema(projection);
      // A position kept before positions were opaque is a number: the store reads it.
      const [checkpoint] = await this.readStore.query<{
        position: string | number;
        version: number;
      }>('SELECT position, version FROM projection_checkpoints WHERE projection = ?', [
        projection.name,
      ]);
      if (checkpoint && checkpoint.version !== projection.version) {
        this.logger.log(
          `Projection ${projection.name}: version ${checkpoint.version} -> ${projection.version}, rebuilding from the first event`,
        );
        await this.reset(projection);
      } else this.positions.set(projection.name, this.positionOf(checkpoint?.position));
    }
    this.follow([...this.projections]);
  }

  private positionOf(kept: string | number | undefined): Checkpoint {
    if (kept === undefined) return START;
    const position = this.events.parsePosition(kept);
    if (position === undefined)
      throw new Error(
        `A projection checkpoint (${String(kept).slice(0, 100)}) is not a position of this event store: were the read models built from another one? Rebuild them (heard rebuild).`,
      );
    return position;
  }

  private async ensureSchema(projection: Projection): Promise<void> {
    await this.readStore.exec(projection.schema(this.readStore.dialect));
  }

  private follow(projections: Projection[]): void {
    this.active = projections;
    if (projections.length === 0) return;
    const after = earliest(projections.map((p) => this.positions.get(p.name) ?? START));
    this.eventsRead = 0;
    this.subscription = this.events.subscribe({
      after,
      batchSize: this.batchSize,
      onBatch: async (events) => {
        await this.applyBatch(projections, events);
        this.eventsRead += events.length;
      },
      onError: (error, attempt) =>
        this.logger.error(
          `Projections failed (attempt ${attempt}); retrying the same batch`,
          error,
        ),
    });
  }

  private async applyBatch(projections: Projection[], events: RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1]!.position;
    const now = new Date().toISOString();
    await this.readStore.transaction(async (tx) => {
      for (const projection of projections) {
        const applied = this.positions.get(projection.name) ?? START;
        if (applied >= last) continue;
        const fresh =
          applied < events[0]!.position ? events : events.filter((e) => e.position > applied);
        await projection.apply(fresh, tx);
        await tx.execute(SAVE_CHECKPOINT, [projection.name, last, projection.version, now]);
      }
    });
    // Only after the commit: a crash before it leaves the checkpoints where the rows are.
    for (const projection of projections)
      this.positions.set(
        projection.name,
        later(this.positions.get(projection.name) ?? START, last),
      );
    for (const wake of [...this.waiters]) wake();
    for (const listener of this.appliedListeners) listener();
  }

  /** Called after each batch the projections committed (the outbox relay sends what it added). */
  onApplied(listener: () => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /** Drops its tables (a new version may define them anew) and makes them again, empty. */
  private async reset(projection: Projection): Promise<void> {
    await this.readStore.transaction(async (tx) => {
      for (const table of projection.tables) await tx.execute(`DROP TABLE IF EXISTS ${table}`);
      await tx.execute('DELETE FROM projection_checkpoints WHERE projection = ?', [
        projection.name,
      ]);
    });
    await this.ensureSchema(projection);
    this.positions.set(projection.name, START);
  }

  /**
   * Empties the named projections and replays them from the first event in one pass (the
   * store is read once for all of them); resolves once they reached the head. `onProgress`
   * is told the events read so far and how many there are.
   */
  async rebuild(
    names: readonly string[],
    onProgress?: (eventsRead: number, events: number) => void,
  ): Promise<void> {
    const chosen = names.map((name) => {
      const projection = this.byName.get(name);
      if (!projection)
        throw new Error(`Unknown projection ${name}; known: ${[...this.byName.keys()].join(', ')}`);
      return projection;
    });
    const following = this.active;
    await migrateReadStore(this.readStore);
    await this.subscription?.stop();
    this.subscription = undefined;
    for (const projection of chosen) {
      await this.ensureSchema(projection);
      await this.reset(projection);
    }
    const head = await this.events.head();
    const total = await this.events.countAfter(START);
    const progress = onProgress
      ? () => onProgress(Math.min(this.eventsRead, total), total)
      : undefined;
    if (progress) this.waiters.add(progress);
    try {
      this.follow([...new Set([...following, ...chosen])]);
      await this.waitFor(head, Number.POSITIVE_INFINITY, [...names]);
    } finally {
      if (progress) this.waiters.delete(progress);
    }
  }

  /** A position a client gave back (read-your-writes), in the event store's form. */
  parsePosition(raw: string): Checkpoint | undefined {
    return this.events.parsePosition(raw);
  }

  /** Resolves true once the named projections (all by default) have applied `position`. */
  waitFor(
    position: Checkpoint,
    timeoutMs: number,
    names: string[] = [...this.byName.keys()],
  ): Promise<boolean> {
    const reached = () => names.every((n) => (this.positions.get(n) ?? START) >= position);
    if (reached()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => finish(false), timeoutMs)
        : undefined;
      const check = () => reached() && finish(true);
      const finish = (ok: boolean) => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      this.waiters.add(check);
    });
  }

  status(): ProjectionStatus[] {
    return this.projections.map((p) => ({
      name: p.name,
      version: p.version,
      position: this.positions.get(p.name) ?? START,
      running: !!this.subscription && this.active.includes(p),
    }));
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
    this.active = [];
  }
}
