import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { compiledWorkerFile } from '@heard/event-store';
import { BuildTables, defaultProjections, type ProjectionRules } from '@heard/projections';
import { migrateReadStore, type SqliteReadStore } from '@heard/read-store';

/** What a rebuild thread is started with. */
export interface RebuildThreadData {
  eventStoreFile: string;
  /** heard's read-models file: the thread reads the customers' keys there. */
  readStoreFile: string;
  /** The thread's own file, where its projections are rebuilt. */
  ownFile: string;
  masterKey: Uint8Array;
  rules: ProjectionRules;
  names: string[];
  batchSize: number;
}

export type FromRebuildThread =
  | { type: 'progress'; eventsRead: number; events: number }
  | { type: 'done' }
  | { type: 'failed'; message: string };

interface ParallelRebuildOptions {
  eventStoreFile: string;
  /** heard's read store: rebuilt projections are merged into it, in one transaction. */
  reads: SqliteReadStore;
  masterKey: Uint8Array;
  rules: ProjectionRules;
  names: readonly string[];
  /** Threads (default: one per core, at most one per projection). */
  threads?: number;
  onProgress?: (eventsRead: number, events: number) => void;
}

/**
 * What each projection costs a rebuild, relatively (seconds per million events, each alone,
 * measured by the bench): the threads get groups of about equal weight.
 */
const REBUILD_WEIGHTS: Record<string, number> = {
  customer_timeline: 8.3,
  case_view: 7.2,
  recurring_issues: 6.1,
  follow_ups: 5.3,
  outcome_kpis: 5.0,
  change_impact: 4.5,
  account_alerts: 4.4,
  // Not measured yet: the same fold of every case as case_view's, and its rows.
  sla: 7.2,
};

/** The names split into at most `threads` groups of about equal weight (heaviest first). */
export const rebuildGroups = (names: readonly string[], threads: number): string[][] => {
  const weight = (name: string) => REBUILD_WEIGHTS[name] ?? 5;
  const groups = Array.from({ length: Math.max(1, Math.min(threads, names.length)) }, () => ({
    names: [] as string[],
    weight: 0,
  }));
  for (const name of [...names].sort((a, b) => weight(b) - weight(a))) {
    const lightest = groups.reduce((a, b) => (b.weight < a.weight ? b : a));
    lightest.names.push(name);
    lightest.weight += weight(name);
  }
  return groups.map((g) => g.names).filter((g) => g.length > 0);
};

/** The default: one thread per core, at most one per projection. */
export const defaultRebuildThreads = (names: readonly string[]): number =>
  Math.max(1, Math.min(names.length, availableParallelism()));

const removeSqliteFile = (file: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
};

/**
 * Rebuilds projections of the embedded stores in parallel: each thread reads the event store
 * once and replays its group of projections into a file of its own (SQLite has one writer
 * per file), and then one transaction replaces each projection's tables and checkpoint in
 * the read-models file with the rebuilt ones, and adds the outbound messages they owe that
 * the outbox does not hold (one already there, sent or not, stays as it is). Until that
 * commit, the read models stay as they were: a failed or interrupted rebuild changes nothing.
 */
export const rebuildInParallel = async (options: ParallelRebuildOptions): Promise<string[][]> => {
  const known = defaultProjections(options.rules);
  for (const name of options.names)
    if (!known.some((p) => p.name === name))
      throw new Error(`Unknown projection ${name}; known: ${known.map((p) => p.name).join(', ')}`);
  const chosen = known.filter((p) => options.names.includes(p.name));
  const groups = rebuildGroups(
    chosen.map((p) => p.name),
    options.threads ?? defaultRebuildThreads(options.names),
  );
  // The keys table the threads read, and the tables merged into, are the migrations' job.
  await migrateReadStore(options.reads);
  const files = groups.map((_, i) => `${options.reads.file}.rebuild-${i}.db`);
  files.forEach(removeSqliteFile); // left by a rebuild that was killed
  try {
    const read = groups.map(() => 0);
    const workers = groups.map(
      (names, i) =>
        new Worker(compiledWorkerFile(__dirname, 'rebuild.worker'), {
          workerData: {
            eventStoreFile: options.eventStoreFile,
            readStoreFile: options.reads.file,
            ownFile: files[i]!,
            masterKey: options.masterKey,
            rules: options.rules,
            names,
            batchSize: 5000,
          } satisfies RebuildThreadData,
        }),
    );
    try {
      await Promise.all(
        workers.map((worker, i) =>
          finished(worker, groups[i]!, (eventsRead, events) => {
            read[i] = eventsRead;
            options.onProgress?.(Math.min(...read), events);
          }),
        ),
      );
    } finally {
      // One failed: the others stop too (the rebuild changes nothing).
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
    await options.reads.transactionWithAttached(files, async (tx) => {
      const now = new Date().toISOString();
      for (const [i, names] of groups.entries())
        for (const projection of chosen.filter((p) => names.includes(p.name))) {
          for (const table of projection.tables) {
            tx.exec(`DROP TABLE IF EXISTS main.${table}`);
          }
          tx.exec(projection.schema('sqlite'));
          for (const table of projection.tables)
            await tx.execute(`INSERT INTO main.${table} SELECT * FROM source${i}.${table}`);
          await tx.execute('DELETE FROM main.projection_checkpoints WHERE projection = ?', [
            projection.name,
          ]);
          // A blue/green build of it that was under way is done by this one.
          for (const build of await tx.query<{ suffix: string }>(
            'SELECT suffix FROM main.projection_builds WHERE projection = ?',
            [projection.name],
          ))
            await new BuildTables(projection, build.suffix, 'sqlite').drop(tx);
          await tx.execute('DELETE FROM main.projection_builds WHERE projection = ?', [
            projection.name,
          ]);
          await tx.execute(
            `INSERT INTO main.projection_checkpoints (projection, position, version, updated_at)
             SELECT projection, position, version, ? FROM source${i}.projection_checkpoints WHERE projection = ?`,
            [now, projection.name],
          );
        }
      for (const i of groups.keys())
        await tx.execute(
          `INSERT INTO main.outbound_messages (message_id, topic, type, msg_key, subject, occurred_at, data, created_at)
           SELECT message_id, topic, type, msg_key, subject, occurred_at, data, created_at
           FROM source${i}.outbound_messages WHERE true ORDER BY seq
           ON CONFLICT (message_id) DO NOTHING`,
        );
    });
    return groups;
  } finally {
    files.forEach(removeSqliteFile);
  }
};

/** Resolves once the thread is done; rejects with what it failed with. */
const finished = (
  worker: Worker,
  names: string[],
  onProgress: (eventsRead: number, events: number) => void,
): Promise<void> =>
  new Promise((resolve, reject) => {
    worker.on('message', (message: FromRebuildThread) => {
      switch (message.type) {
        case 'progress':
          return onProgress(message.eventsRead, message.events);
        case 'done':
          return resolve();
        case 'failed':
          return reject(new Error(`Rebuilding ${names.join(', ')}: ${message.message}`));
      }
    });
    worker.on('error', reject);
    // After 'done' or a failure this changes nothing: a promise settles once.
    worker.on('exit', (code) =>
      reject(
        new Error(`The rebuild thread of ${names.join(', ')} exited (${code}) before it was done`),
      ),
    );
  });
