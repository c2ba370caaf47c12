import { subscribeToAll, type EventStore, type Subscription } from '@heard/event-store';
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

/**
 * Feeds each projection from its checkpoint: catches up at start, then follows live
 * appends. Rows and checkpoint are written in one transaction, so a crash resumes without
 * counting anything twice.
 */
export class ProjectionRunner {
  private readonly positions = new Map<string, number>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly waiters = new Set<() => void>();
  private readonly byName: Map<string, Projection>;

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
        this.positions.set(projection.name, 0);
      } else this.positions.set(projection.name, checkpoint?.position ?? 0);
      this.follow(projection);
    }
  }

  private async ensureSchema(projection: Projection): Promise<void> {
    await this.readStore.exec(CHECKPOINTS_DDL);
    await this.readStore.exec(projection.schema(this.readStore.dialect));
  }

  private follow(projection: Projection): void {
    const subscription = subscribeToAll(this.events, {
      after: this.positions.get(projection.name) ?? 0,
      batchSize: this.batchSize,
      onBatch: async (events) => {
        const position = events[events.length - 1]!.position;
        await this.readStore.transaction(async (tx) => {
          await projection.apply(events, tx);
          await tx.execute(
            `INSERT INTO projection_checkpoints (projection, position, version, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (projection) DO UPDATE SET position = excluded.position, version = excluded.version, updated_at = excluded.updated_at`,
            [projection.name, position, projection.version, new Date().toISOString()],
          );
        });
        this.positions.set(projection.name, position);
        for (const wake of [...this.waiters]) wake();
      },
      onError: (error, attempt) =>
        this.logger.error(
          `Projection ${projection.name} failed (attempt ${attempt}); retrying the same batch`,
          error,
        ),
    });
    this.subscriptions.set(projection.name, subscription);
  }

  private async reset(projection: Projection): Promise<void> {
    await this.readStore.transaction(async (tx) => {
      for (const table of projection.tables) await tx.execute(`DELETE FROM ${table}`);
      await tx.execute('DELETE FROM projection_checkpoints WHERE projection = ?', [
        projection.name,
      ]);
    });
  }

  /** Empties a projection and replays it from the first event; resolves once it reached `head`. */
  async rebuild(
    name: string,
    onProgress?: (position: number, head: number) => void,
  ): Promise<void> {
    const projection = this.byName.get(name);
    if (!projection)
      throw new Error(`Unknown projection ${name}; known: ${[...this.byName.keys()].join(', ')}`);
    await this.subscriptions.get(name)?.stop();
    this.subscriptions.delete(name);
    await this.ensureSchema(projection);
    await this.reset(projection);
    this.positions.set(name, 0);
    const head = await this.events.headPosition();
    const progress = onProgress ? () => onProgress(this.positions.get(name) ?? 0, head) : undefined;
    if (progress) this.waiters.add(progress);
    try {
      this.follow(projection);
      await this.waitFor(head, Number.POSITIVE_INFINITY, [name]);
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
      running: this.subscriptions.has(p.name),
    }));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.subscriptions.values()].map((s) => s.stop()));
    this.subscriptions.clear();
  }
}
