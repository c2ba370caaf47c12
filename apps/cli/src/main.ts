import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import {
  loadConfig,
  lockDataFolder,
  redactUrl,
  StartRefused,
  storesAreShared,
  type HeardConfig,
  type StoreLocation,
} from '@heard/config';
import {
  answerDueFollowUps,
  DEMO_DEFAULTS,
  demoHistory,
  loadOverHttp,
  withDemoKeys,
} from '@heard/demo';
import {
  ACCESS_ROLES,
  ApiKeys,
  copyCustomerKeys,
  CustomerKeys,
  isAccessRole,
  KEY_NAME,
  KEY_NAME_RULE,
  KeyNameTaken,
  PersonalDataEventStore,
  refuseMissingCustomerKeys,
  sealedCustomersWithoutKeys,
  resolveMasterKey,
} from '@heard/security';
import {
  copyEvents,
  openEventStore,
  POSTGRES_EVENT_STORE_MIGRATIONS,
  SQLITE_EVENT_STORE_MIGRATIONS,
  START,
  type Checkpoint,
} from '@heard/event-store';
import { defaultRebuildThreads, rebuildInParallel } from '@heard/projections-thread';
import { defaultProjections, ProjectionRunner, projectionRules } from '@heard/projections';
import {
  migrateReadStore,
  READ_STORE_SCHEMA_VERSION,
  openLeases,
  openReadStore,
  SqliteReadStore,
  type Leases,
  type ReadStore,
} from '@heard/read-store';

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
};

const program = new Command('heard').description('heard command-line tools').showHelpAfterError();

program
  .command('demo')
  .description(
    'Load the deterministic demo history into a running heard, through POST /commands, then answer its due follow-ups',
  )
  .option('--url <url>', 'where heard listens', `http://localhost:${process.env.PORT ?? 3000}`)
  .option(
    '--customers <n>',
    'how many customers (about 1.6 cases and 14 events each)',
    positiveInt,
    DEMO_DEFAULTS.customers,
  )
  .option('--seed <n>', 'the same seed gives the same history', positiveInt, DEMO_DEFAULTS.seed)
  .option(
    '--ends <day>',
    'the day the history ends (YYYY-MM-DD); default today, so that it reads as recent next to what you entered by hand',
  )
  .option('--batch <n>', 'commands per request', positiveInt, 500)
  .option('--concurrency <n>', 'requests in flight', positiveInt, 4)
  .option(
    '--admin-key <file>',
    "a file holding an admin API key (default: HEARD_ADMIN_KEY, else admin.key in HEARD_DATA_DIR, which heard's first start writes)",
  )
  .action(
    async (opts: {
      adminKey?: string;
      url: string;
      customers: number;
      seed: number;
      batch: number;
      concurrency: number;
      ends?: string;
    }) => {
      const endsAt = opts.ends ? new Date(`${opts.ends}T23:59:59Z`) : new Date();
      if (
        Number.isNaN(endsAt.getTime()) ||
        (opts.ends && !endsAt.toISOString().startsWith(opts.ends))
      ) {
        console.error(`--ends ${opts.ends}: must be a day, YYYY-MM-DD`);
        process.exit(1);
      }
      const history = demoHistory({
        customers: opts.customers,
        seed: opts.seed,
        endsAt,
      });
      const adminKey = readAdminKey(opts.adminKey);
      console.log(`demo history: 90 days to ${endsAt.toISOString()}`);
      const bar = new SingleBar(
        { format: 'demo |{bar}| {value} commands sent | {duration}s' },
        Presets.shades_classic,
      );
      bar.start(0, 0);
      try {
        await withDemoKeys(opts.url, adminKey, async (keyFor) => {
          const report = await loadOverHttp(opts.url, history, {
            apiKey: keyFor,
            batchSize: opts.batch,
            concurrency: opts.concurrency,
            onProgress: (sent) => {
              bar.setTotal(sent);
              bar.update(sent);
            },
          });
          bar.stop();
          console.log(
            `${report.commands} commands in ${report.seconds.toFixed(1)} s: ${report.accepted} accepted, ` +
              `${report.replayed} already loaded (same idempotency keys: nothing appended), ${report.refused} refused`,
          );
          for (const sample of report.samples) console.log('  refused:', JSON.stringify(sample));
          const answers = await answerDueFollowUps(opts.url, {
            apiKey: keyFor('CompleteFollowUp'),
            seed: opts.seed,
            minPosition: report.lastPosition,
          });
          console.log(
            `follow-ups answered as a notification app would: ${answers.accepted} recorded, ${answers.replayed} already recorded, ${answers.refused} refused`,
          );
          for (const sample of answers.samples) console.log('  refused:', JSON.stringify(sample));
        });
      } catch (error) {
        bar.stop();
        const cause = (error as { cause?: { code?: string } }).cause;
        if (cause?.code === 'ECONNREFUSED') {
          console.error(
            `heard is not answering at ${opts.url}; start it first (npm start) or pass --url`,
          );
          process.exit(1);
        }
        throw error;
      }
    },
  );

/** The admin key the demo and `heard keys` use against a running heard. */
const readAdminKey = (file: string | undefined): string => {
  const fromEnv = process.env.HEARD_ADMIN_KEY;
  const path = file ?? join(resolve(process.env.HEARD_DATA_DIR ?? './data'), 'admin.key');
  if (file === undefined && fromEnv) return fromEnv;
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    console.error(
      `No admin key: ${path} cannot be read. heard writes it on its first start (npm start); or pass --admin-key <file>, or set HEARD_ADMIN_KEY`,
    );
    process.exit(1);
  }
};

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

program
  .command('rebuild')
  .description(
    'Rebuild read models from the first event (run while heard, or every instance with the projections role, is stopped)',
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

program
  .command('migrate')
  .description(
    "Bring both stores' schemas up to date (heard also does it at start); refuses a store a newer heard migrated",
  )
  .action(async () => {
    const config = loadConfig();
    const lock = storesAreShared(config)
      ? undefined
      : lockDataFolder(config.dataDir, 'heard migrate');
    try {
      // Opening the event store applies its migrations.
      await (await openEventStore(config.eventStore)).close();
      const migrations =
        config.eventStore.kind === 'postgres'
          ? POSTGRES_EVENT_STORE_MIGRATIONS
          : SQLITE_EVENT_STORE_MIGRATIONS;
      console.log(`event store: at version ${migrations[migrations.length - 1]!.version}`);
      const reads = await openReadStore(config.readStore);
      try {
        const applied = await migrateReadStore(reads);
        console.log(
          applied.length
            ? `read store: applied ${applied.map((v) => `version ${v}`).join(', ')}; now at ${READ_STORE_SCHEMA_VERSION}`
            : `read store: already at version ${READ_STORE_SCHEMA_VERSION}`,
        );
      } finally {
        await reads.close();
      }
    } finally {
      lock?.release();
    }
  });

/**
 * API keys, straight on the read store (HEARD_READ_STORE), so that an operator who lost the
 * admin key can make another: whoever can run this can read the stores anyway.
 */
const keys = program
  .command('keys')
  .description('Make, list and revoke API keys (on HEARD_READ_STORE)');
const withKeys = async (work: (keys: ApiKeys) => Promise<void>) => {
  const reads = await openReadStore(loadConfig().readStore);
  try {
    await work(new ApiKeys(reads));
  } finally {
    await reads.close();
  }
};
keys
  .command('create')
  .description('Make a key and print its secret, once')
  .requiredOption(
    '--name <name>',
    `its identity, recorded as the actor of what it writes: ${KEY_NAME_RULE}`,
  )
  .requiredOption('--role <role>', `one of ${ACCESS_ROLES.join(', ')}`)
  .option('--sees-customer-ids', 'customer ids in the clear on customer-level lists (analysts)')
  .action(async (opts: { name: string; role: string; seesCustomerIds?: boolean }) => {
    if (!KEY_NAME.test(opts.name))
      throw new InvalidArgumentError(`--name must be ${KEY_NAME_RULE}`);
    if (!isAccessRole(opts.role))
      throw new InvalidArgumentError(`--role must be one of ${ACCESS_ROLES.join(', ')}`);
    const role = opts.role;
    await withKeys(async (apiKeys) => {
      try {
        const { record, token } = await apiKeys.create({
          name: opts.name,
          role,
          seesCustomerIds: opts.seesCustomerIds ?? false,
          createdBy: 'heard keys create',
        });
        console.error(
          `key ${record.keyId} (${record.name}, ${record.role}); the secret is shown once:`,
        );
        console.log(token);
      } catch (error) {
        if (!(error instanceof KeyNameTaken)) throw error;
        console.error(`heard: ${error.message}`);
        process.exitCode = 1;
      }
    });
  });
keys
  .command('list')
  .description('Every key, live and revoked, without secrets')
  .action(() =>
    withKeys(async (apiKeys) => {
      for (const key of await apiKeys.list())
        console.log(
          [
            key.keyId,
            key.name,
            key.role,
            key.revokedAt ? `revoked ${key.revokedAt}` : 'live',
            `made ${key.createdAt} by ${key.createdBy}`,
          ].join('\t'),
        );
    }),
  );
keys
  .command('revoke')
  .description('Revoke a key: refused at once, on every instance')
  .argument('<keyId>')
  .action((keyId: string) =>
    withKeys(async (apiKeys) => {
      const record = await apiKeys.revoke(keyId, 'heard keys revoke');
      if (!record) {
        console.error(`heard: no API key ${keyId}`);
        process.exitCode = 1;
        return;
      }
      console.log(`key ${record.keyId} (${record.name}) revoked at ${record.revokedAt}`);
    }),
  );

const storeLocation = (raw: string): StoreLocation =>
  /^postgres(ql)?:\/\//.test(raw)
    ? { kind: 'postgres', url: raw }
    : /^esdb(\+discover)?:\/\//.test(raw)
      ? { kind: 'esdb', url: raw }
      : { kind: 'sqlite', file: resolve(raw.replace(/^sqlite:/, '')) };

const shown = (location: StoreLocation) =>
  location.kind === 'sqlite' ? `sqlite:${location.file}` : redactUrl(location.url);

const bar = (label: string) =>
  new SingleBar(
    { format: `${label} |{bar}| {percentage}% | {value}/{total} events | {eta}s left` },
    Presets.shades_classic,
  );

const store = program.command('store').description('Move heard between stores');
store
  .command('copy')
  .description(
    'Copy every event, in order, with its ids, metadata and idempotency record, to another store; resumable (run it again after a cut); verifies counts and a checksum; then builds the read models there',
  )
  .requiredOption(
    '--to <url>',
    'the target event store: postgres://…[?schema=name], esdb://… or a SQLite file',
  )
  .option(
    '--from <path>',
    'the source event store: a SQLite file (default: HEARD_EVENT_STORE), postgres://… or esdb://…',
  )
  .option(
    '--read-store <url>',
    "where the read models and the customers' keys go (default: the target when it is PostgreSQL, read-models.db beside a SQLite target)",
  )
  .option(
    '--from-read-store <url>',
    "the source's read models: the customers' keys, sent outbox messages and publisher checkpoint carry over (default: read-models.db beside a SQLite source, the source's own database on PostgreSQL)",
  )
  .action(
    async (opts: { to: string; from?: string; readStore?: string; fromReadStore?: string }) => {
      const config = loadConfig();
      const from = opts.from ? storeLocation(opts.from) : config.eventStore;
      const to = storeLocation(opts.to);
      // The keys must land somewhere heard will read them: the copy is a whole data folder.
      const readsTo: StoreLocation | undefined = opts.readStore
        ? storeLocation(opts.readStore)
        : to.kind === 'postgres'
          ? to
          : to.kind === 'sqlite'
            ? { kind: 'sqlite', file: join(dirname(to.file), 'read-models.db') }
            : undefined;
      const readsFromAt: StoreLocation | undefined = opts.fromReadStore
        ? storeLocation(opts.fromReadStore)
        : from.kind === 'sqlite'
          ? { kind: 'sqlite', file: join(dirname(from.file), 'read-models.db') }
          : from.kind === 'postgres'
            ? from
            : undefined;
      // A heard running on the source would append behind the copy's back.
      const lock =
        from.kind === 'sqlite' ? lockDataFolder(dirname(from.file), 'heard store copy') : undefined;
      if (to.kind === from.kind && shown(to) === shown(from))
        throw new StartRefused('heard store copy: --from and --to name the same store');
      if (
        readsTo &&
        readsFromAt &&
        readsTo.kind === readsFromAt.kind &&
        shown(readsTo) === shown(readsFromAt)
      )
        throw new StartRefused(
          `heard store copy: the copy's read store would be the source's (${shown(readsTo)}): name another with --read-store`,
        );
      const source = await openEventStore(from, '--from');
      const readsFrom =
        readsFromAt && (readsFromAt.kind !== 'sqlite' || existsSync(readsFromAt.file))
          ? await openReadStore(readsFromAt, '--from-read-store').catch(async (error: unknown) => {
              await source.close();
              throw error;
            })
          : undefined;
      // Refused before anything is written: a copy whose sealed words could never be opened.
      const sourceKeys = readsFrom
        ? new CustomerKeys(readsFrom, resolveMasterKey(config))
        : undefined;
      const { sealed, missing } = await sealedCustomersWithoutKeys(source, sourceKeys);
      const refusal =
        missing.length > 0
          ? `the source holds the sealed words of ${sealed} customers, and ${readsFrom ? `${shown(readsFromAt!)} has no key for ${missing.length} of them` : 'no read store with their keys was found'}: name the read store that holds them with --from-read-store`
          : sealed > 0 && !readsTo
            ? `the customers' keys need a read store on the target side (an EventStoreDB target holds events only): name one with --read-store`
            : undefined;
      if (refusal) {
        await readsFrom?.close();
        await source.close();
        lock?.release();
        throw new StartRefused(`heard store copy: ${refusal}. Nothing was copied`);
      }
      const target = await openEventStore(to, '--to').catch(async (error: unknown) => {
        await readsFrom?.close();
        await source.close();
        throw error;
      });
      try {
        const published = readsFrom
          ? await readsFrom
              .query<{ publisher: string; position: string | number }>(
                'SELECT publisher, position FROM publisher_checkpoints',
              )
              .catch(() => [])
          : [];
        const publishedAt = published.map((p) => ({
          publisher: p.publisher,
          position: source.parsePosition(p.position),
        }));
        const progress = bar('events');
        progress.start(await source.countAfter(START), 0);
        const started = Date.now();
        const report = await copyEvents(source, target, {
          onProgress: ({ copied, total }) => {
            progress.setTotal(total);
            progress.update(copied);
          },
          mapPositions: publishedAt.flatMap((p) => (p.position ? [p.position] : [])),
        });
        progress.stop();
        const seconds = (Date.now() - started) / 1000;
        console.log(
          `events: ${report.events} in the target (${report.alreadyThere} were there from an earlier run), copied in ${seconds.toFixed(1)} s; counts and sha256 ${report.checksum} verified on both`,
        );
        if (!readsTo) {
          console.log(
            'read models: not built (no --read-store, and the target holds events only); the source holds no sealed words',
          );
          return;
        }
        const reads = await openReadStore(readsTo, '--read-store');
        // The events stay sealed in the target: their keys come along, and open them there.
        const keys = readsFrom ? await copyCustomerKeys(readsFrom, reads) : 0;
        console.log(
          `customer keys: ${keys} carried over to ${shown(readsTo)} (the same master key opens them there)`,
        );
        const targetKeys = new CustomerKeys(reads, resolveMasterKey(config));
        await targetKeys.check();
        await refuseMissingCustomerKeys(target, targetKeys);
        const runner = new ProjectionRunner(
          new PersonalDataEventStore(target, targetKeys),
          reads,
          defaultProjections(projectionRules(config)),
          undefined,
          5000,
        );
        try {
          const rebuilding = bar('read models');
          rebuilding.start(report.events, 0);
          await runner.rebuild(
            runner.projections.map((p) => p.name),
            (read, total) => {
              rebuilding.setTotal(total);
              rebuilding.update(read);
            },
          );
          rebuilding.stop();
          await runner.stop();
          const carried = await carryOverOutbound(readsFrom, reads, publishedAt, report.positions);
          console.log(
            `read models: built from ${report.events} events; ${carried.sent} outbound messages already sent stay sent; publisher checkpoint ${carried.publisher ? 'carried over' : 'none (every event will be published)'}`,
          );
          console.log(
            `Next: start heard with HEARD_EVENT_STORE=${shown(to)} HEARD_READ_STORE=${shown(readsTo)}`,
          );
        } finally {
          await runner.stop();
          await reads.close();
        }
      } finally {
        await readsFrom?.close();
        await target.close();
        await source.close();
        lock?.release();
      }
    },
  );

/**
 * What the source's relay and publisher already sent stays sent on the target: the
 * messages the rebuild put back in the outbox, by id, and the publisher's checkpoint, at the
 * same event's position in the target.
 */
const carryOverOutbound = async (
  from: ReadStore | undefined,
  to: ReadStore,
  published: Array<{ publisher: string; position: Checkpoint | undefined }>,
  positions: Map<Checkpoint, Checkpoint>,
): Promise<{ sent: number; publisher: boolean }> => {
  if (!from) return { sent: 0, publisher: false };
  const sent = await from
    .query<{ message_id: string; sent_at: string }>(
      'SELECT message_id, sent_at FROM outbound_messages WHERE sent_at IS NOT NULL',
    )
    .catch(() => []);
  for (let i = 0; i < sent.length; i += 500) {
    const chunk = sent.slice(i, i + 500);
    await to.transaction(async (tx) => {
      for (const m of chunk)
        await tx.execute(
          'UPDATE outbound_messages SET sent_at = ? WHERE message_id = ? AND sent_at IS NULL',
          [m.sent_at, m.message_id],
        );
    });
  }
  let publisher = false;
  for (const p of published) {
    const at = p.position && positions.get(p.position);
    if (!at) continue;
    await to.transaction((tx) =>
      tx.execute(
        `INSERT INTO publisher_checkpoints (publisher, position, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (publisher) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
        [p.publisher, at, new Date().toISOString()],
      ),
    );
    publisher = true;
  }
  return { sent: sent.length, publisher };
};

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof StartRefused ? `heard: ${error.message}` : error);
  process.exit(1);
});
