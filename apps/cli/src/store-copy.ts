import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { bar } from './cli-options';
import {
  loadConfig,
  lockDataFolder,
  redactUrl,
  StartRefused,
  type StoreLocation,
} from '@heard/config';
import {
  copyCustomerKeys,
  CustomerKeys,
  PersonalDataEventStore,
  refuseMissingCustomerKeys,
  sealedCustomersWithoutKeys,
  resolveMasterKey,
} from '@heard/security';
import { copyEvents, openEventStore, START, type Checkpoint } from '@heard/event-store';
import { defaultProjections, ProjectionRunner, projectionRules } from '@heard/projections';
import {
  enqueueOutbound,
  openReadStore,
  type OutboundTopic,
  type ReadStore,
} from '@heard/read-store';

const storeLocation = (raw: string): StoreLocation =>
  /^postgres(ql)?:\/\//.test(raw)
    ? { kind: 'postgres', url: raw }
    : /^esdb(\+discover)?:\/\//.test(raw)
      ? { kind: 'esdb', url: raw }
      : { kind: 'sqlite', file: resolve(raw.replace(/^sqlite:/, '')) };

const shown = (location: StoreLocation) =>
  location.kind === 'sqlite' ? `sqlite:${location.file}` : redactUrl(location.url);

/** `heard store copy`: every event, its keys and read models, to another store. */
export const registerStoreCopy = (program: Command): void => {
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
          from.kind === 'sqlite'
            ? lockDataFolder(dirname(from.file), 'heard store copy')
            : undefined;
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
            ? await openReadStore(readsFromAt, '--from-read-store').catch(
                async (error: unknown) => {
                  await source.close();
                  throw error;
                },
              )
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
            const carried = await carryOverOutbound(
              readsFrom,
              reads,
              publishedAt,
              report.positions,
            );
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
};

/**
 * What the source's relay and publisher already sent stays sent on the target: the
 * messages the rebuild put back in the outbox, by id; those only the scheduler makes (due
 * follow-ups), whole, since no rebuild makes them again; and the publisher's checkpoint, at
 * the same event's position in the target.
 */
const carryOverOutbound = async (
  from: ReadStore | undefined,
  to: ReadStore,
  published: Array<{ publisher: string; position: Checkpoint | undefined }>,
  positions: Map<Checkpoint, Checkpoint>,
): Promise<{ sent: number; publisher: boolean }> => {
  if (!from) return { sent: 0, publisher: false };
  const sent = await from
    .query<Record<string, unknown>>(
      `SELECT message_id, topic, type, msg_key, subject, occurred_at, data, created_at, sent_at
       FROM outbound_messages WHERE sent_at IS NOT NULL ORDER BY seq`,
    )
    .catch(() => []);
  for (let i = 0; i < sent.length; i += 500) {
    const chunk = sent.slice(i, i + 500);
    await to.transaction(async (tx) => {
      for (const m of chunk) {
        // A message the rebuild did not make is appended after its messages, in the source's order.
        await enqueueOutbound(
          tx,
          [
            {
              id: String(m.message_id),
              topic: m.topic as OutboundTopic,
              type: String(m.type),
              key: String(m.msg_key),
              subject: String(m.subject),
              time: String(m.occurred_at),
              data: JSON.parse(String(m.data)) as Record<string, unknown>,
            },
          ],
          String(m.created_at),
        );
        await tx.execute(
          'UPDATE outbound_messages SET sent_at = ? WHERE message_id = ? AND sent_at IS NULL',
          [m.sent_at, m.message_id],
        );
      }
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
