import {
  earliest,
  later,
  START,
  type Checkpoint,
  type EventStore,
  type RecordedEvent,
  type Subscription,
} from '@heard/event-store';
import {
  migrateReadStore,
  placeholders,
  READ_STORE_DDL_LOCK,
  type ReadStore,
  type ReadTx,
} from '@heard/read-store';
import { BuildTables, newBuildSuffix } from './blue-green';
import type { Projection } from './projection';
import { known } from './shared/known-events';

/** A projection being built beside its live tables (blue/green), and how far it got. */
export interface RebuildProgress {
  /** The version being built. */
  version: number;
  /** The version the live tables hold: another one, they serve as they stood until the switch. */
  liveVersion: number;
  /** The event store's position of the last event the new tables applied. */
  position: Checkpoint;
  /** Events the build has read. */
  eventsDone: number;
  /** Its rate since it started or resumed. */
  eventsPerSecond: number;
  startedAt: string;
}

interface ProjectionStatus {
  name: string;
  /** The event store's position of the last event applied to the live tables (START for none). */
  position: Checkpoint;
  version: number;
  /** Applied by this process, or by another (this one reads the shared checkpoints). */
  where: 'here' | 'elsewhere';
  /** Here: its subscription (or its build) runs. Elsewhere: always false. */
  running: boolean;
  /** Being rebuilt beside its live tables, which serve until the switch. */
  rebuilding?: RebuildProgress;
}

interface BuildRow {
  projection: string;
  version: number;
  suffix: string;
  position: string;
  events_done: number;
  events_per_second: number;
  started_at: string;
}

/** A projection being built, in this process. */
interface Building {
  projection: Projection;
  tables: BuildTables;
  liveVersion: number;
  /** When this process took the build up, and how far it was then (its rate). */
  resumedAt: number;
  doneAtResume: number;
}

/** The projections this process builds, read by one subscription of their own. */
interface BuildLane {
  building: Map<string, Building>;
  subscription?: Subscription;
  checking?: boolean;
  /** A batch came while a check ran: check again after it, or the last batch goes unseen. */
  recheck?: boolean;
  /** The last batch was short: the builds read to the end of the log as it stood. */
  readToTheEnd?: boolean;
  switching?: Promise<void>;
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
const BUILD_COLUMNS =
  'projection, version, suffix, position, events_done, events_per_second, started_at';
/** A switch that failed (the read store refused it) is tried again after this long. */
const SWITCH_RETRY_MS = 1000;

/** How often a process that does not run the projections reads their shared checkpoints. */
const OBSERVE_MS = 1000;
/** … and while a request waits for its own write (read-your-writes). */
const OBSERVE_WAITING_MS = 25;

/**
 * Feeds the projections from their checkpoints: catches up at start, then follows live
 * appends. One subscription reads each batch once for all of them, and one read-store
 * transaction writes every projection's rows with its checkpoint, so a crash resumes
 * without counting anything twice. A projection behind the others (new) gets the events it
 * has not applied; the others skip them.
 *
 * A projection whose version changed (or that `rebuild` names) is built beside its live
 * tables by a second subscription while the live ones keep serving (see blue-green.ts);
 * once the build has reached the head it switches, in one transaction, and joins the first
 * subscription. A build keeps its position in `projection_builds`: a crash resumes it.
 *
 * Each batch reads the checkpoints it moves inside its transaction (locking their rows on
 * PostgreSQL) and applies only what comes after them: a second runner on the same read
 * store (an instance that has not yet noticed it lost its lease) never applies an event
 * twice. A process that does not run them (`observe`) reads the shared checkpoints instead,
 * so that read-your-writes works on every instance.
 */
export class ProjectionRunner {
  protected readonly positions = new Map<string, Checkpoint>();
  /** Projections being built beside their live tables: by this process, or as observed. */
  protected builds = new Map<string, RebuildProgress>();
  private readonly waiters = new Set<() => void>();
  private readonly appliedListeners = new Set<() => void>();
  protected readonly byName: Map<string, Projection>;
  private subscription?: Subscription;
  private active: Projection[] = [];
  private lane?: BuildLane;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
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

  /**
   * Creates the tables of new projections, follows the others from their checkpoints, and
   * builds those whose version changed beside their live tables.
   */
  async start(): Promise<void> {
    this.stopObserving();
    this.stopped = false;
    // The checkpoints and the outbox (shared tables) are the migrations' job.
    await migrateReadStore(this.readStore);
    const kept = await this.checkpoints();
    const builds = await this.buildRows();
    const live: Projection[] = [];
    const toBuild: Projection[] = [];
    for (const projection of this.projections) {
      const checkpoint = kept.get(projection.name);
      const build = builds.get(projection.name);
      if (!checkpoint) {
        // New: nothing serves it yet, so it is built in place.
        if (build) await this.dropBuild(projection, build);
        await this.ensureSchema(projection);
        this.positions.set(projection.name, START);
        live.push(projection);
        continue;
      }
      this.positions.set(projection.name, this.positionOf(checkpoint.position));
      if (checkpoint.version !== projection.version) {
        this.logger.log(
          `Projection ${projection.name}: version ${checkpoint.version} -> ${projection.version}, built beside the live tables, which serve until it has caught up`,
        );
        toBuild.push(projection);
      } else {
        live.push(projection);
        // A rebuild of the same version that was interrupted goes on; an older one is dropped.
        if (build?.version === projection.version) toBuild.push(projection);
        else if (build) await this.dropBuild(projection, build);
      }
    }
    this.follow(live);
    if (toBuild.length) await this.startBuilds(toBuild, builds, kept);
  }

  /**
   * For a process that does not run the projections (or not now): makes the tables of new
   * ones (the queries read them) and follows the checkpoints another instance writes.
   */
  async observe(): Promise<void> {
    await migrateReadStore(this.readStore);
    const kept = await this.checkpoints();
    // A projection with a checkpoint has its tables: the runner's to change.
    for (const projection of this.projections)
      if (!kept.has(projection.name)) await this.ensureSchema(projection);
    this.observing = true;
    await this.readCheckpoints();
    this.scheduleObservation();
  }

  private async checkpoints() {
    // A position kept before positions were opaque is a number: the store reads it.
    const rows = await this.readStore.query<{
      projection: string;
      position: string | number;
      version: number;
    }>('SELECT projection, position, version FROM projection_checkpoints');
    return new Map(rows.map((r) => [r.projection, r]));
  }

  private async buildRows(tx?: ReadTx): Promise<Map<string, BuildRow>> {
    const sql = `SELECT ${BUILD_COLUMNS} FROM projection_builds`;
    const rows = await (tx ? tx.query<BuildRow>(sql) : this.readStore.query<BuildRow>(sql));
    return new Map(rows.map((r) => [r.projection, r]));
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
    const [kept, builds] = await Promise.all([this.checkpoints(), this.buildRows()]);
    if (!this.observing) return;
    for (const p of this.projections)
      this.positions.set(
        p.name,
        this.events.parsePosition(kept.get(p.name)?.position ?? START) ?? START,
      );
    this.builds = new Map(
      [...builds.values()].map((row) => [
        row.projection,
        this.progressOf(row, kept.get(row.projection)?.version ?? row.version),
      ]),
    );
    for (const wake of [...this.waiters]) wake();
  }

  private progressOf(row: BuildRow, liveVersion: number): RebuildProgress {
    return {
      version: row.version,
      liveVersion,
      position: this.positionOf(row.position),
      eventsDone: row.events_done,
      eventsPerSecond: row.events_per_second,
      startedAt: row.started_at,
    };
  }

  private positionOf(kept: string | number | undefined): Checkpoint {
    if (kept === undefined || kept === START) return START;
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
    if (projections.length === 0 || this.stopped) return;
    const after = earliest(projections.map((p) => this.positions.get(p.name) ?? START));
    this.subscription = this.events.subscribe({
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
    const reached = await this.readStore.transaction(async (tx) => {
      const stored = await this.storedPositions(tx, projections);
      const reached = new Map<string, Checkpoint>();
      for (const projection of projections) {
        const applied = stored.get(projection.name);
        reached.set(projection.name, later(applied ?? START, last));
        if (applied !== undefined && applied >= last) continue;
        await applyTo(projection, after(events, applied ?? START), tx);
        if (applied === undefined)
          await tx.execute(INSERT_CHECKPOINT, [projection.name, last, projection.version, now]);
        else await tx.execute(UPDATE_CHECKPOINT, [last, projection.version, now, projection.name]);
      }
      return reached;
    });
    // Only after the commit: a crash before it leaves the checkpoints where the rows are.
    this.advance(reached);
  }

  /**
   * Projections committed up to these positions (and, from a projections thread, the builds
   * as they stand): wakes whoever waits for them.
   */
  protected advance(
    reached: Iterable<[string, Checkpoint]>,
    builds?: Iterable<[string, RebuildProgress]>,
  ): void {
    for (const [name, position] of reached)
      this.positions.set(name, later(this.positions.get(name) ?? START, position));
    if (builds) this.builds = new Map(builds);
    for (const wake of [...this.waiters]) wake();
    for (const listener of this.appliedListeners) listener();
  }

  /** The checkpoints as committed, read (and on PostgreSQL locked) in the batch's transaction. */
  private async storedPositions(
    tx: ReadTx,
    projections: Projection[],
  ): Promise<Map<string, Checkpoint>> {
    const rows = await tx.query<{ projection: string; position: string | number }>(
      `SELECT projection, position FROM projection_checkpoints WHERE projection IN (${placeholders(projections.length)})${this.forUpdate}`,
      projections.map((p) => p.name),
    );
    return new Map(rows.map((r) => [r.projection, this.positionOf(r.position)]));
  }

  private get forUpdate(): string {
    return this.readStore.dialect === 'postgres' ? ' ORDER BY projection FOR UPDATE' : '';
  }

  /** Called after each batch the projections committed (the outbox relay sends what it added). */
  onApplied(listener: () => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  // --- Blue/green builds ---------------------------------------------------------------

  /**
   * Builds these projections beside their live tables: a build of the same version under
   * way (`rows`) resumes where it stopped; any other starts from the first event.
   */
  private async startBuilds(
    projections: Projection[],
    rows: Map<string, BuildRow>,
    kept: Map<string, { version: number }>,
  ): Promise<void> {
    const dialect = this.readStore.dialect;
    const building = new Map<string, Building>();
    for (const projection of projections) {
      let row = rows.get(projection.name);
      if (row && row.version !== projection.version) {
        await this.dropBuild(projection, row);
        row = undefined;
      }
      if (row)
        this.logger.log(
          `Projection ${projection.name}: resuming its build after ${row.events_done} events`,
        );
      else row = await this.newBuild(projection);
      const tables = new BuildTables(projection, row.suffix, dialect);
      await this.readStore.exec(tables.schema(dialect));
      const liveVersion = kept.get(projection.name)?.version ?? projection.version;
      building.set(projection.name, {
        projection,
        tables,
        liveVersion,
        resumedAt: Date.now(),
        doneAtResume: row.events_done,
      });
      this.builds.set(projection.name, this.progressOf(row, liveVersion));
    }
    const lane: BuildLane = { building };
    this.lane = lane;
    this.followBuilds(lane);
  }

  /** A build's row, recorded before its tables: a crash between them leaves a build that makes them. */
  private async newBuild(projection: Projection): Promise<BuildRow> {
    const now = new Date().toISOString();
    const row: BuildRow = {
      projection: projection.name,
      version: projection.version,
      suffix: newBuildSuffix(),
      position: START,
      events_done: 0,
      events_per_second: 0,
      started_at: now,
    };
    await this.readStore.transaction(async (tx) => {
      await tx.execute('DELETE FROM projection_builds WHERE projection = ?', [projection.name]);
      await tx.execute(
        `INSERT INTO projection_builds (${BUILD_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [row.projection, row.version, row.suffix, row.position, 0, 0, now, now],
      );
    });
    return row;
  }

  private followBuilds(lane: BuildLane): void {
    if (this.stopped || this.lane !== lane) return;
    const after = earliest(
      [...lane.building.keys()].map((name) => this.builds.get(name)?.position ?? START),
    );
    lane.subscription = this.events.subscribe({
      after,
      batchSize: this.batchSize,
      onBatch: async (events) => {
        await this.applyBuildBatch(lane, events);
        // A short batch was the end of the log when it was read. Waiting to meet the head
        // exactly would never end while commands flow faster than a batch is applied; the
        // switch applies what came meanwhile with both subscriptions stopped.
        lane.readToTheEnd = events.length < this.batchSize;
        void this.switchIfCaughtUp(lane);
      },
      onError: (error, attempt) =>
        this.logger.error(
          `Building ${[...lane.building.keys()].join(', ')} failed (attempt ${attempt}); retrying the same batch`,
          error,
        ),
    });
    // Already at the head (a build resumed just before its switch, or no events at all).
    void this.switchIfCaughtUp(lane);
  }

  /** One batch into the builds' tables, each from its own position, with its progress. */
  private async applyBuildBatch(lane: BuildLane, events: RecordedEvent[]): Promise<void> {
    const last = events[events.length - 1]!.position;
    const now = new Date().toISOString();
    const names = [...lane.building.keys()];
    const reached = await this.readStore.transaction(async (tx) => {
      const rows = await tx.query<BuildRow>(
        `SELECT ${BUILD_COLUMNS} FROM projection_builds WHERE projection IN (${placeholders(names.length)})${this.forUpdate}`,
        names,
      );
      const reached: Array<[string, RebuildProgress]> = [];
      for (const row of rows) {
        const build = lane.building.get(row.projection)!;
        // Switched, or started anew, by another runner meanwhile.
        if (row.suffix !== build.tables.suffix) continue;
        const applied = this.positionOf(row.position);
        if (applied < last) {
          const fresh = after(events, applied);
          await applyTo(build.projection, fresh, build.tables.tx(tx));
          row.events_done += fresh.length;
          row.position = last;
          const seconds = Math.max(0.001, (Date.now() - build.resumedAt) / 1000);
          row.events_per_second = Math.round((row.events_done - build.doneAtResume) / seconds);
          await tx.execute(
            'UPDATE projection_builds SET position = ?, events_done = ?, events_per_second = ?, updated_at = ? WHERE projection = ?',
            [last, row.events_done, row.events_per_second, now, row.projection],
          );
        }
        reached.push([row.projection, this.progressOf(row, build.liveVersion)]);
      }
      return reached;
    });
    for (const [name, progress] of reached) this.builds.set(name, progress);
    this.advance([]);
  }

  /** Switches the lane's builds once every one of them has reached the head (or the log's end as last read). */
  private async switchIfCaughtUp(lane: BuildLane): Promise<void> {
    if (lane.switching || this.lane !== lane || this.stopped) return;
    if (lane.checking) {
      lane.recheck = true;
      return;
    }
    lane.checking = true;
    lane.recheck = false;
    try {
      const head = await this.events.head();
      const caughtUp =
        lane.readToTheEnd ||
        [...lane.building.keys()].every(
          (name) => (this.builds.get(name)?.position ?? START) >= head,
        );
      if (caughtUp && this.lane === lane && !this.stopped) lane.switching = this.switchBuilds(lane);
    } catch (error) {
      this.logger.error('Could not tell whether the builds have caught up', error);
    } finally {
      lane.checking = false;
    }
    if (lane.recheck) await this.switchIfCaughtUp(lane);
  }

  /**
   * The switch: both subscriptions stop, the builds apply what came since their last batch
   * (so the new tables are at least where the live ones were: reads never go backwards),
   * and one transaction puts the new tables and checkpoints in place of the old. The
   * switched projections then follow live appends with the others.
   */
  private async switchBuilds(lane: BuildLane): Promise<void> {
    await lane.subscription?.stop();
    lane.subscription = undefined;
    const live = this.active;
    await this.subscription?.stop();
    this.subscription = undefined;
    let following = live;
    try {
      const head = await this.events.head();
      for (;;) {
        const from = earliest(
          [...lane.building.keys()].map((name) => this.builds.get(name)?.position ?? START),
        );
        if (from >= head) break;
        const tail = await this.events.readAll({ after: from, limit: this.batchSize });
        if (tail.length === 0) break;
        await this.applyBuildBatch(lane, tail);
      }
      const switched = await this.readStore.transaction(async (tx) => {
        if (this.readStore.dialect === 'postgres') await tx.query(`SELECT ${READ_STORE_DDL_LOCK}`);
        const rows = await this.buildRows(tx);
        const now = new Date().toISOString();
        const switched: Array<[Projection, Checkpoint]> = [];
        for (const [name, build] of lane.building) {
          const row = rows.get(name);
          if (row?.suffix !== build.tables.suffix) continue;
          await build.tables.replaceLive(tx);
          await tx.execute('DELETE FROM projection_checkpoints WHERE projection = ?', [name]);
          await tx.execute(INSERT_CHECKPOINT, [name, row.position, build.projection.version, now]);
          await tx.execute('DELETE FROM projection_builds WHERE projection = ?', [name]);
          switched.push([build.projection, this.positionOf(row.position)]);
        }
        return switched;
      });
      this.lane = undefined;
      for (const [projection, position] of switched) {
        this.positions.set(projection.name, position);
        this.builds.delete(projection.name);
        this.logger.log(
          `Projection ${projection.name}: version ${projection.version} built and switched to`,
        );
      }
      following = [...new Set([...live, ...switched.map(([p]) => p)])];
      this.advance([]);
    } catch (error) {
      this.logger.error(
        `Switching to the built ${[...lane.building.keys()].join(', ')} failed; trying again`,
        error,
      );
      lane.switching = undefined;
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.followBuilds(lane), SWITCH_RETRY_MS);
      this.retryTimer.unref();
    } finally {
      this.follow(following);
    }
  }

  /** Drops an abandoned build's tables and row. */
  private async dropBuild(projection: Projection, row: BuildRow): Promise<void> {
    await this.readStore.transaction(async (tx) => {
      await new BuildTables(projection, row.suffix, this.readStore.dialect).drop(tx);
      await tx.execute('DELETE FROM projection_builds WHERE projection = ? AND suffix = ?', [
        projection.name,
        row.suffix,
      ]);
    });
    this.builds.delete(projection.name);
  }

  /** Stops the builds' subscription (they resume from their rows when started again). */
  private async stopBuilds(): Promise<void> {
    const lane = this.lane;
    this.lane = undefined;
    clearTimeout(this.retryTimer);
    if (!lane) return;
    await lane.switching;
    await lane.subscription?.stop();
  }

  /**
   * Rebuilds the named projections from the first event beside their live tables, which
   * serve (and, when this runner follows them, keep being applied) until the switch; resolves
   * once they have switched. A rebuild of theirs that was interrupted resumes. `onProgress`
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
    this.stopped = false;
    await migrateReadStore(this.readStore);
    const kept = await this.checkpoints();
    // Never built: made in place, as at a first start.
    for (const projection of chosen)
      if (!kept.has(projection.name)) await this.ensureSchema(projection);
    const underway = [...(this.lane?.building.values() ?? [])].map((b) => b.projection);
    await this.stopBuilds();
    const rows = await this.buildRows();
    // A build of another version is the start's to finish; these start again unless resumed.
    for (const projection of chosen) {
      const row = rows.get(projection.name);
      if (row && row.version !== projection.version) rows.delete(projection.name);
    }
    const total = await this.events.countAfter(START);
    const done = () => chosen.every((p) => !this.builds.has(p.name));
    const progress = () =>
      onProgress?.(
        Math.min(total, ...chosen.map((p) => this.builds.get(p.name)?.eventsDone ?? total)),
        total,
      );
    let finished!: () => void;
    const switched = new Promise<void>((resolve) => (finished = resolve));
    const check = () => {
      progress();
      if (done()) finished();
    };
    try {
      await this.startBuilds([...new Set([...underway, ...chosen])], rows, kept);
      // Only now: before the builds exist, every one of them would look done.
      this.waiters.add(check);
      check();
      await switched;
    } finally {
      this.waiters.delete(check);
    }
  }

  /** A position a client gave back (read-your-writes), in the event store's form. */
  parsePosition(raw: string): Checkpoint | undefined {
    return this.events.parsePosition(raw);
  }

  /**
   * Resolves true once the named projections have applied `position`. By default all of
   * them but those being replaced by a new version: their live tables stay as they were
   * until the switch, and waiting would not change them.
   */
  waitFor(
    position: Checkpoint,
    timeoutMs: number,
    names: string[] = this.projections.filter((p) => !this.isReplaced(p)).map((p) => p.name),
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

  private isReplaced(projection: Projection): boolean {
    const build = this.builds.get(projection.name);
    return !!build && build.liveVersion !== build.version;
  }

  status(): ProjectionStatus[] {
    return this.projections.map((p) => {
      const rebuilding = this.builds.get(p.name);
      return {
        name: p.name,
        version: p.version,
        position: this.positions.get(p.name) ?? START,
        where: this.observing ? 'elsewhere' : 'here',
        running: this.isRunning(p),
        ...(rebuilding ? { rebuilding } : {}),
      };
    });
  }

  protected isRunning(projection: Projection): boolean {
    return (
      (!!this.subscription && this.active.includes(projection)) ||
      !!this.lane?.building.has(projection.name)
    );
  }

  async stop(): Promise<void> {
    this.stopObserving();
    this.stopped = true;
    await this.stopBuilds();
    await this.subscription?.stop();
    this.subscription = undefined;
    this.active = [];
  }
}

/** The events after `applied`. */
const after = (events: RecordedEvent[], applied: Checkpoint): RecordedEvent[] =>
  applied < events[0]!.position ? events : events.filter((e) => e.position > applied);

/** A projection's rows for these events, and then its erasures. */
const applyTo = async (projection: Projection, events: RecordedEvent[], tx: ReadTx) => {
  await projection.apply(events, tx);
  // After the customer's events, which come before their erasure: their words go.
  if (projection.forgetCustomer)
    for (const event of known(events))
      if (event.type === 'CustomerErased')
        await projection.forgetCustomer(tx, event.data.customerId);
};
