import { Command } from 'commander';
import { positiveInt } from './cli-options';
import { SingleBar, Presets } from 'cli-progress';
import {
  loadConfig,
  lockDataFolder,
  StartRefused,
  storesAreShared,
  type HeardConfig,
} from '@heard/config';
import {
  CustomerKeys,
  PersonalDataEventStore,
  refuseMissingCustomerKeys,
  resolveMasterKey,
} from '@heard/security';
import { openEventStore, START } from '@heard/event-store';
import { defaultRebuildThreads, rebuildInParallel } from '@heard/projections-thread';
import { defaultProjections, ProjectionRunner, projectionRules } from '@heard/projections';
import { openLeases, openReadStore, SqliteReadStore, type Leases } from '@heard/read-store';

const holdProjectionsLease = async (config: HeardConfig): Promise<Leases> => {
  const leases = openLeases(config.readStore, { log: () => undefined, error: () => undefined });
  await leases.run('projections', {
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  });
  const [lease] = leases.status();
  if (!lease?.held) {
    await leases.close();
    throw new StartRefused(
      `heard rebuild: ${lease?.holder ? `the instance ${lease.holder}` : 'another instance'} runs the projections; stop every instance with the projections role (HEARD_ROLES) first`,
    );
  }
  return leases;
};

/** `heard rebuild`: read models rebuilt from the events, heard stopped or on its lease. */
export const registerRebuild = (program: Command): void => {
  program
    .command('rebuild')
    .description(
      'Rebuild read models from the first event beside the live ones, which serve until the switch (stop every instance with the projections role first; an interrupted rebuild resumes)',
    )
    .argument(
      '[projections...]',
      `which ones (default: all): ${defaultProjections()
        .map((p) => p.name)
        .join(', ')}`,
    )
    .option(
      '--threads <n>',
      'threads rebuilding side by side, on the embedded stores (default: one per core, at most one per projection)',
      positiveInt,
    )
    .action(async (names: string[], options: { threads?: number }) => {
      const config = loadConfig();
      // Held for the whole rebuild: a heard starting meanwhile is refused, and the other way round.
      const lock = storesAreShared(config)
        ? undefined
        : lockDataFolder(config.dataDir, 'heard rebuild');
      // On shared stores, the projections' lease: no instance applies them while they are rebuilt.
      const leases = await holdProjectionsLease(config);
      const reads = await openReadStore(config.readStore);
      // Read as heard reads it: customers' words opened with their keys (ERASED once erased).
      const masterKey = resolveMasterKey(config);
      const keys = new CustomerKeys(reads, masterKey);
      await keys.check();
      const inner = await openEventStore(config.eventStore);
      await refuseMissingCustomerKeys(inner, keys);
      const events = new PersonalDataEventStore(inner, keys);
      const projections = defaultProjections(projectionRules(config));
      const runner = new ProjectionRunner(events, reads, projections, undefined, 5000);
      const chosen = names.length ? names : projections.map((p) => p.name);
      const threads = options.threads ?? defaultRebuildThreads(chosen);
      try {
        const started = Date.now();
        const bar = new SingleBar(
          { format: `rebuild |{bar}| {percentage}% | {value}/{total} events | {eta}s left` },
          Presets.shades_classic,
        );
        const total = await events.countAfter(START);
        bar.start(total, 0);
        const onProgress = (eventsRead: number, events: number) => {
          bar.setTotal(events);
          bar.update(eventsRead);
        };
        // SQLite has one writer per file: threads rebuild into files of their own, merged at the end.
        const eventsFile = config.eventStore.kind === 'sqlite' ? config.eventStore.file : undefined;
        const groups =
          threads > 1 && eventsFile && reads instanceof SqliteReadStore
            ? await rebuildInParallel({
                eventStoreFile: eventsFile,
                reads,
                masterKey,
                rules: projectionRules(config),
                names: chosen,
                threads,
                onProgress,
              })
            : (await runner.rebuild(chosen, onProgress), [chosen]);
        bar.stop();
        const seconds = (Date.now() - started) / 1000;
        console.log(
          `${chosen.join(', ')}: rebuilt from ${total} events in ${seconds.toFixed(1)} s${
            groups.length > 1
              ? ` by ${groups.length} threads (${groups.map((g) => g.join(' + ')).join('; ')})`
              : ''
          }`,
        );
      } finally {
        await runner.stop();
        await reads.close();
        await events.close();
        await leases.close();
        lock?.release();
      }
    });
};
