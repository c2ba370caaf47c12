import {
  subscribeToAll,
  type EventStore,
  type RecordedEvent,
  type Subscription,
} from '@heard/event-store';
import { OUTBOX_DDL } from './outbox/outbox';
import type { Projection } from './projection';
import type { ReadStore } from './read-store/read-store.port';

export interface ProjectionStatus {
  name: string;
  position: number;
  version: number;
  running: boolean;
}

export interface RunnerLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

const CHECKPOINTS_DDL = `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  projection TEXT PRIMARY KEY,
  position   INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  updated_at TEXT    NOT NULL
);`;

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
  private readonly positions = new Map<string, number>();
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
    for (const projection of this.projections) {
      await this.ensureSchema(projection);
      const [checkpoint] = await this.readStore.query<{ position: number; version: number }>(
        'SELECT position, version FROM projection_checkpoints WHERE projection = ?',
        [projection.name],
      );
      if (checkpoint && checkpoint.version !== projection.version) {
        this.logger.log(
          `Projection ${projection.name}: version ${checkpoint.version} -> ${projection.version}, rebuilding from the first event`,
        );
        await this.reset(projection);
      } else this.positions.set(projection.name, checkpoint?.position ?? 0);
    }
    this.follow([...this.projections]);
  }

  private async ensureSchema(projection: Projection): Promise<void> {
    // Shared by the projections: their checkpoints, and the outbox some of them write to.
    await this.readStore.exec(CHECKPOINTS_DDL + OUTBOX_DDL);
    await this.readStore.exec(projection.schema(this.readStore.dialect));
  }

  private follow(projections: Projection[]): void {
    this.active = projections;
    if (projections.length === 0) return;
    const after = Math.min(...projections.map((p) => this.positions.get(p.name) ?? 0));
    this.subscription = subscribeToAll(this.events, {
      after,
      batchSize: this.batchSize,
      onBatch: (events) => this.applyBatch(projections, events),
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
        const applied = this.positions.get(projection.name) ?? 0;
        if (applied >= last) continue;
        const fresh =
          applied < events[0]!.position ? events : events.filter((e) => e.position > applied);
        await projection.apply(fresh, tx);
        await tx.execute(SAVE_CHECKPOINT, [projection.name, last, projection.version, now]);
      }
    });
    // Only after the commit: a crash before it leaves the checkpoints where the rows are.
    for (const projection of projections)
      this.positions.set(projection.name, Math.max(this.positions.get(projection.name) ?? 0, last));
    for (const wake of [...this.waiters]) wake();
    for (const listener of this.appliedListeners) listener();
  }

  /** Called after each batch the projections committed (the outbox relay sends what it added). */
  onApplied(listener: () => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  private async reset(projection: Projection): Promise<void> {
    await this.readStore.transaction(async (tx) => {
      for (const table of projection.tables) await tx.execute(`DELETE FROM ${table}`);
      await tx.execute('DELETE FROM projection_checkpoints WHERE projection = ?', [
        projection.name,
      ]);
    });
    this.positions.set(projection.name, 0);
  }

  /**
   * Empties the named projections and replays them from the first event in one pass (the
   * store is read once for all of them); resolves once they reached the head.
   */
  async rebuild(
    names: readonly string[],
    onProgress?: (position: number, head: number) => void,
  ): Promise<void> {
    const chosen = names.map((name) => {
      const projection = this.byName.get(name);
      if (!projection)
        throw new Error(`Unknown projection ${name}; known: ${[...this.byName.keys()].join(', ')}`);
      return projection;
    });
    const following = this.active;
    await this.subscription?.stop();
    this.subscription = undefined;
    for (const projection of chosen) {
      await this.ensureSchema(projection);
      await this.reset(projection);
    }
    const head = await this.events.headPosition();
    const slowest = () => Math.min(...chosen.map((p) => this.positions.get(p.name) ?? 0));
    const progress = onProgress ? () => onProgress(slowest(), head) : undefined;
    if (progress) this.waiters.add(progress);
    try {
      this.follow([...new Set([...following, ...chosen])]);
      await this.waitFor(head, Number.POSITIVE_INFINITY, [...names]);
    } finally {
      if (progress) this.waiters.delete(progress);
    }
  }

  /** Resolves true once the named projections (all by default) have applied `position`. */
  waitFor(
    position: number,
    timeoutMs: number,
    names: string[] = [...this.byName.keys()],
  ): Promise<boolean> {
    const reached = () => names.every((n) => (this.positions.get(n) ?? 0) >= position);
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
      position: this.positions.get(p.name) ?? 0,
      running: !!this.subscription && this.active.includes(p),
    }));
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
    this.active = [];
  }
}
