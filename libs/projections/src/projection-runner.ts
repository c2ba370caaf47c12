import {
  earliest,
  later,
  START,
  type Checkpoint,
  type EventStore,
  type RecordedEvent,
  type Subscription,
} from '@heard/event-store';
import { migrateReadStore, placeholders, type ReadStore, type ReadTx } from '@heard/read-store';
import type { Projection } from './projection';
import { known } from './shared/known-events';

interface ProjectionStatus {
  name: string;
  /** The event store's position of the last event applied (START for none). */
  position: Checkpoint;
  version: number;
  /** Applied by this process, or by another (this one reads the shared checkpoints). */
  where: 'here' | 'elsewhere';
  /** Here: its subscription runs. Elsewhere: always false. */
  running: boolean;
}

export interface RunnerLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

// A projection's first checkpoint is inserted, the next ones updated: two runners that race
// on an empty projection collide on its key instead of both applying the batch.
const INSERT_CHECKPOINT =
  'INSERT INTO projection_checkpoints (projection, position, version, updated_at) VALUES (?, ?, ?, ?)';
const UPDATE_CHECKPOINT =
  'UPDATE projection_checkpoints SET position = ?, version = ?, updated_at = ? WHERE projection = ?';

/** How often a process that does not run the projections reads their shared checkpoints. */
const OBSERVE_MS = 1000;
/** … and while a request waits for its own write (read-your-writes). */
const OBSERVE_WAITING_MS = 25;

/**
 * Feeds the projections from their checkpoints: catches up at start, then follows live
 * appends. One subscription reads each batch once for all of them, and one read-store
 * transaction writes every projection's rows with its checkpoint, so a crash resumes
 * without counting anything twice. A projection behind the others (rebuilt, or new) gets
 * the events it has not applied; the others skip them.
 *
 * Each batch reads the checkpoints it moves inside its transaction (locking their rows on
 * PostgreSQL) and applies only what comes after them: a second runner on the same read
 * store (an instance that has not yet noticed it lost its lease) never applies an event
 * twice. A process that does not run them (`observe`) reads the shared checkpoints instead,
 * so that read-your-writes works on every instance.
 */
export class ProjectionRunner {
  protected readonly positions = new Map<string, Checkpoint>();
  /** Events read by the subscription since it last started (a rebuild's progress). */
  private eventsRead = 0;
  private readonly waiters = new Set<() => void>();
  private readonly appliedListeners = new Set<() => void>();
  protected readonly byName: Map<string, Projection>;
  private subscription?: Subscription;
  private active: Projection[] = [];
  private observer?: NodeJS.Timeout;
  private observing = false;

  constructor(
    protected readonly events: EventStore,
    protected readonly readStore: ReadStore,
    readonly projections: readonly Projection[],
    protected readonly logger: RunnerLogger = { log: () => undefined, error: () => undefined },
    private readonly batchSize = 2000,
  ) {
    this.byName = new Map(projections.map((p) => [p.name, p]));
  }

  /** Creates tables, rebuilds projections whose version changed, and starts following. */
  async start(): Promise<void> {
    this.stopObserving();
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

  /**
   * For a process that does not run the projections (or not now): makes their tables (the
   * queries read them) and follows the checkpoints another instance writes.
   */
  async observe(): Promise<void> {
    await migrateReadStore(this.readStore);
    const versions = new Map(
      (
        await this.readStore.query<{ projection: string; version: number }>(
          'SELECT projection, version FROM projection_checkpoints',
        )
      ).map((r) => [r.projection, r.version]),
    );
    // A projection kept at another version is the runner's to rebuild, tables and all.
    for (const projection of this.projections)
      if ((versions.get(projection.name) ?? projection.version) === projection.version)
        await this.ensureSchema(projection);
    this.observing = true;
    await this.readCheckpoints();
    this.scheduleObservation();
  }

  private scheduleObservation(
    delayMs = this.waiters.size > 0 ? OBSERVE_WAITING_MS : OBSERVE_MS,
  ): void {
    clearTimeout(this.observer);
    if (!this.observing) return;
    this.observer = setTimeout(
      () =>
        void this.readCheckpoints()
          .catch(() => undefined) // the read store is down: health says so; try again
          .finally(() => this.scheduleObservation()),
      delayMs,
    );
    this.observer.unref();
  }

  protected stopObserving(): void {
    this.observing = false;
    clearTimeout(this.observer);
  }

  private async readCheckpoints(): Promise<void> {
    const rows = await this.readStore.query<{ projection: string; position: string | number }>(
      'SELECT projection, position FROM projection_checkpoints',
    );
    if (!this.observing) return;
    const kept = new Map(rows.map((r) => [r.projection, r.position]));
    for (const p of this.projections)
      this.positions.set(p.name, this.events.parsePosition(kept.get(p.name) ?? START) ?? START);
    for (const wake of [...this.waiters]) wake();
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
    const reached = await this.readStore.transaction(async (tx) => {
      const stored = await this.storedPositions(tx, projections);
      const reached = new Map<string, Checkpoint>();
      for (const projection of projections) {
        const applied = stored.get(projection.name);
        reached.set(projection.name, later(applied ?? START, last));
        if (applied !== undefined && applied >= last) continue;
        const fresh =
          applied === undefined || applied < events[0]!.position
            ? events
            : events.filter((e) => e.position > applied);
        await projection.apply(fresh, tx);
        // After the customer's events, which come before their erasure: their words go.
        if (projection.forgetCustomer)
          for (const event of known(fresh))
            if (event.type === 'CustomerErased')
              await projection.forgetCustomer(tx, event.data.customerId);
        if (applied === undefined)
          await tx.execute(INSERT_CHECKPOINT, [projection.name, last, projection.version, now]);
        else await tx.execute(UPDATE_CHECKPOINT, [last, projection.version, now, projection.name]);
      }
      return reached;
    });
    // Only after the commit: a crash before it leaves the checkpoints where the rows are.
    this.advance(reached);
  }

  /** Projections committed up to these positions: wakes whoever waits for them. */
  protected advance(reached: Iterable<[string, Checkpoint]>): void {
    for (const [name, position] of reached)
      this.positions.set(name, later(this.positions.get(name) ?? START, position));
    for (const wake of [...this.waiters]) wake();
    for (const listener of this.appliedListeners) listener();
  }

  /** The checkpoints as committed, read (and on PostgreSQL locked) in the batch's transaction. */
  private async storedPositions(
    tx: ReadTx,
    projections: Projection[],
  ): Promise<Map<string, Checkpoint>> {
    const rows = await tx.query<{ projection: string; position: string | number }>(
      `SELECT projection, position FROM projection_checkpoints WHERE projection IN (${placeholders(projections.length)})${
        this.readStore.dialect === 'postgres' ? ' ORDER BY projection FOR UPDATE' : ''
      }`,
      projections.map((p) => p.name),
    );
    return new Map(rows.map((r) => [r.projection, this.positionOf(r.position)]));
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
      // Another instance applies them: read its checkpoints now, then often while waiting.
      if (this.observing && this.waiters.size === 1) this.scheduleObservation(0);
    });
  }

  status(): ProjectionStatus[] {
    return this.projections.map((p) => ({
      name: p.name,
      version: p.version,
      position: this.positions.get(p.name) ?? START,
      where: this.observing ? 'elsewhere' : 'here',
      running: this.isRunning(p),
    }));
  }

  protected isRunning(projection: Projection): boolean {
    return !!this.subscription && this.active.includes(projection);
  }

  async stop(): Promise<void> {
    this.stopObserving();
    await this.subscription?.stop();
    this.subscription = undefined;
    this.active = [];
  }
}
