import { createHash } from 'node:crypto';
import { StartRefused } from '@heard/config';
import { START, type Checkpoint, type EventStore, type RecordedEvent } from './event-store.port';

const PAGE = 1000;

interface CopyProgress {
  /** Events in the target so far (those found there at the start included). */
  copied: number;
  /** Events in the source. */
  total: number;
}

interface CopyReport {
  /** Events the source holds. */
  events: number;
  /** Of them, those the target already held when this copy started (an earlier, cut-off copy). */
  alreadyThere: number;
  /** The checksum both stores gave after the copy (see `eventsChecksum`). */
  checksum: string;
  /** For each source position asked for in `mapPositions`, the same event's position in the target. */
  positions: Map<Checkpoint, Checkpoint>;
}

/** Said plainly by the CLI: the target is not this source's copy, or the copy differs. */
export class CopyRefused extends StartRefused {
  override readonly name = 'CopyRefused';
}

/** Reads a whole store in order, a page at a time. */
async function* everyEvent(store: EventStore): AsyncGenerator<RecordedEvent> {
  for (let after = START; ;) {
    const page = await store.readAll({ after, limit: PAGE });
    if (page.length === 0) return;
    yield* page;
    after = page[page.length - 1]!.position;
  }
}

/** What makes an event the same event in any store: everything but its position. */
const fingerprintOf = (e: RecordedEvent) =>
  JSON.stringify([e.streamId, e.revision, e.type, e.data, e.metadata]);

/** SHA-256 over every event in store order (its stream, revision, type, data and metadata). */
export const eventsChecksum = async (
  store: EventStore,
): Promise<{ events: number; checksum: string }> => {
  const hash = createHash('sha256');
  let events = 0;
  for await (const event of everyEvent(store)) {
    hash.update(fingerprintOf(event)).update('\n');
    events++;
  }
  return { events, checksum: hash.digest('hex') };
};

/**
 * Copies every event of `source` into `target` in the same order, with its ids, metadata and
 * time of record, one append per command (so each command's idempotency record comes
 * along, with its fingerprint). Resumable: a target that already holds the first events of
 * the source (an earlier copy that was cut off) gets the rest; a target that holds anything
 * else is refused. Ends by comparing both stores' event counts and checksums.
 */
export const copyEvents = async (
  source: EventStore,
  target: EventStore,
  options: {
    onProgress?: (progress: CopyProgress) => void;
    /** Source positions whose target positions the caller needs (a publisher's checkpoint). */
    mapPositions?: Checkpoint[];
  } = {},
): Promise<CopyReport> => {
  const total = await source.countAfter(START);
  const alreadyThere = await target.countAfter(START);
  if (alreadyThere > total)
    throw new CopyRefused(
      `The target holds ${alreadyThere} events and the source ${total}: it is not an earlier copy of this source. Copy into an empty store.`,
    );
  const wanted = new Set(options.mapPositions ?? []);
  const positions = new Map<Checkpoint, Checkpoint>();
  const sourceEvents = everyEvent(source);

  // The target's events must be the source's first ones, in order.
  let copied = 0;
  for await (const there of everyEvent(target)) {
    const next = await sourceEvents.next();
    if (next.done || fingerprintOf(next.value) !== fingerprintOf(there))
      throw new CopyRefused(
        `The target's event ${copied + 1} (${there.streamId} revision ${there.revision}) is not the source's: the target is not an earlier copy of this source. Copy into an empty store.`,
      );
    if (wanted.has(next.value.position)) positions.set(next.value.position, there.position);
    copied++;
  }
  options.onProgress?.({ copied, total });

  // One append per command: its events are consecutive, in one stream.
  let group: RecordedEvent[] = [];
  const flush = async () => {
    if (group.length === 0) return;
    const [first] = group;
    const commandId = first!.metadata.commandId;
    const original = commandId ? await source.findCommandResult(commandId) : undefined;
    const result = await target.append(
      first!.streamId,
      group.map(({ type, data, metadata }) => ({ type, data, metadata })),
      {
        expectedRevision: first!.revision === 0 ? 'no_stream' : first!.revision - 1,
        // The idempotency record comes along with the append that made it.
        ...(original?.eventIds[0] === first!.metadata.eventId
          ? { commandId, ...(original.fingerprint ? { fingerprint: original.fingerprint } : {}) }
          : {}),
        recordedAt: first!.metadata.recordedAt,
      },
    );
    if (result.duplicate)
      throw new CopyRefused(
        `Command ${commandId} is already recorded in the target with other events: the target is not an earlier copy of this source.`,
      );
    const last = group[group.length - 1]!;
    if (wanted.has(last.position)) positions.set(last.position, result.position);
    // A mapped position inside a group: only the last event's target position is returned.
    for (const e of group.slice(0, -1))
      if (wanted.has(e.position))
        positions.set(
          e.position,
          (await target.readStream(e.streamId, { fromRevision: e.revision }))[0]!.position,
        );
    copied += group.length;
    options.onProgress?.({ copied, total });
    group = [];
  };
  for await (const event of sourceEvents) {
    const current = group[0];
    if (
      current &&
      (event.streamId !== current.streamId ||
        event.metadata.commandId !== current.metadata.commandId ||
        event.metadata.recordedAt !== current.metadata.recordedAt)
    )
      await flush();
    group.push(event);
  }
  await flush();

  const [from, to] = await Promise.all([eventsChecksum(source), eventsChecksum(target)]);
  if (from.events !== to.events || from.checksum !== to.checksum)
    throw new CopyRefused(
      `After the copy the stores differ: source ${from.events} events (sha256 ${from.checksum}), target ${to.events} (sha256 ${to.checksum})`,
    );
  return { events: from.events, alreadyThere, checksum: from.checksum, positions };
};
