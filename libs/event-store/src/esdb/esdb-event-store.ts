import { randomUUID } from 'node:crypto';
import {
  END,
  DeadlineExceededError,
  EventStoreDBClient,
  FORWARDS,
  BACKWARDS,
  jsonEvent,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START as ESDB_START,
  streamNameFilter,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { followByReading } from '../catch-up-subscription';
import {
  AppendTooLarge,
  IdempotencyKeyReused,
  isSameRequest,
  START,
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import {
  esdbEventId,
  fromEsdbCheckpoint,
  fromEsdbMetadata,
  HeardStreams,
  parseEsdbLocation,
  parseEsdbPosition,
  reconnectDelayMs,
  toEsdbCheckpoint,
  toEsdbExpectedRevision,
  toEsdbMetadata,
  toWrongExpectedRevision,
} from './esdb-mapping';
import { PositionTally } from './position-tally';

/** The type of the events of a command-record stream. */
const COMMAND_RECORDED = 'heard.CommandRecorded';

const toRecorded = (
  resolved: ResolvedEvent | AllStreamResolvedEvent,
  streams: HeardStreams,
): RecordedEvent | undefined => {
  const event = resolved.event;
  if (!event?.isJson || !event.position) return undefined;
  const streamId = streams.fromServer(event.streamId, event.type);
  if (streamId === undefined) return undefined;
  return {
    position: toEsdbCheckpoint(event.position),
    streamId,
    revision: Number(event.revision),
    type: event.type,
    data: event.data,
    metadata: fromEsdbMetadata(event.metadata, event.created),
  };
};

const notFound = (error: unknown) => error instanceof StreamNotFoundError;

/** How far back head() looks for heard's newest event, and a page of that look. */
const HEAD_PAGE = 512;
const HEAD_SCAN_RECORDS = 65_536;

/** How long one read of the server may take before its call is cancelled and it fails. */
const READ_DEADLINE_MS = 30_000;
/** An append the server did not answer in time (it drops a retry it cannot check yet) is tried again this often. */
const APPEND_ATTEMPTS = 3;

export class EsdbReadTimedOut extends Error {
  override readonly name = 'EsdbReadTimedOut';
  constructor(deadlineMs: number) {
    super(`EventStoreDB did not finish a read within ${deadlineMs} ms; the read was cancelled`);
  }
}

/**
 * Reads a call of the server record by record (`visit` returns true to stop), and cancels the
 * call whenever the server did not end it: stopped early, failed, or past the deadline. The
 * client's reads carry no deadline of their own, and breaking out of `for await` destroys its
 * stream but leaves the gRPC call open on the connection (a server caps those, 100 by
 * default): every read of this adapter goes through here.
 */
/** What eachRecord needs of the client's StreamingRead. */
type CancellableRead<E> = AsyncIterable<E> & {
  cancel(): Promise<void>;
  destroy(error?: Error): unknown;
};

export const eachRecord = async <E>(
  read: CancellableRead<E>,
  visit: (record: E) => boolean | void,
  deadlineMs = READ_DEADLINE_MS,
): Promise<void> => {
  let endedByServer = false;
  const timer = setTimeout(() => read.destroy(new EsdbReadTimedOut(deadlineMs)), deadlineMs);
  try {
    for await (const record of read) if (visit(record)) return;
    endedByServer = true;
  } finally {
    clearTimeout(timer);
    if (!endedByServer) await read.cancel().catch(() => undefined);
  }
};

/** 24.x refuses one event over its size as MaximumAppendEventSizeExceeded, which 6.2.1 does not know. */
const refusedForSize = (error: unknown): string | undefined => {
  if (error instanceof MaxAppendSizeExceededError)
    return `over the maximum append size of ${error.maxAppendSize} bytes`;
  const message = (error as Error | undefined)?.message ?? '';
  return /MaximumAppend(Event)?Size/i.test(message) ? message.slice(0, 200) : undefined;
};

/**
 * From records of $all read forward from `floor` (reading from a position includes the
 * record there): heard's events after `floor`, at most `limit`, how many records were read,
 * and the position of the last one (where the next page starts when this one held only the
 * server's records).
 */
export const takeHeardEvents = async (
  records: CancellableRead<AllStreamResolvedEvent>,
  floor: Checkpoint,
  limit: number,
  streams: HeardStreams,
): Promise<{ events: RecordedEvent[]; read: number; last?: Checkpoint }> => {
  const events: RecordedEvent[] = [];
  let read = 0;
  let last: Checkpoint | undefined;
  await eachRecord(records, (resolved) => {
    read += 1;
    if (!resolved.event?.position) return;
    last = toEsdbCheckpoint(resolved.event.position);
    if (last <= floor) return;
    const recorded = toRecorded(resolved, streams);
    if (recorded) events.push(recorded);
    return events.length === limit;
  });
  return { events, read, ...(last === undefined ? {} : { last }) };
};

/**
 * The event store on EventStoreDB (or KurrentDB, which speaks the same protocol), through
 * @eventstore/db-client, from its connection string (`esdb://…`, TLS settings included).
 *
 * - Appends check the expected revision on the server; a conflict is the port's typed one.
 * - Idempotency: concurrent appends of one command in this process are joined (one appends,
 *   the others answer its result as a replay). Each event's server id is derived from the
 *   command id and its index, so the server's own duplicate check catches a retried append
 *   where it can (best effort), and each command's first result is kept in a stream of its
 *   own (`heard-command-<id>` by default, created with no_stream under a fresh event id: the server takes
 *   a second record for a conflict, never for an idempotent retry, so of two instances one
 *   wins and the other answers the winner's result), which `findCommandResult` reads. An
 *   append the server does not answer in time is tried again, not returned.
 * - heard's streams are under a prefix of their own on the server (`heard-` unless the
 *   connection string's `heardStreamPrefix` says otherwise; see HeardStreams).
 * - Every read is cancelled when it stops before the server ended it, and has a deadline.
 * - Positions are $all's commit and prepare positions, at a fixed width.
 * - Subscribing reads $all from a checkpoint (server events and command records left out),
 *   woken by a live $all subscription that reconnects with backoff, and polls besides.
 *
 * No EventStoreDB server can run where heard is developed: this adapter runs the shared
 * contract suite when HEARD_TEST_ESDB_URL names one (see docs/operations.md).
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private closed = false;
  /** The newest of heard's positions this process appended or read. */
  private newestKnown?: Checkpoint;
  /** Where head()'s last look at $all began: records below it were looked at then. */
  private lookedDownTo?: Checkpoint;
  /** heard's positions from a live subscription, for lag (see countAfter); started when first asked. */
  private tally?: { positions: PositionTally; stop: () => Promise<void> };
  /** Appends of a command under way in this process: a concurrent retry waits for the first. */
  private readonly appending = new Map<string, Promise<AppendResult>>();

  /** heard's streams on the server (`heardStreamPrefix` in the connection string). */
  private readonly streams: HeardStreams;

  constructor(
    connectionString: string,
    private readonly options: { pollIntervalMs?: number } = {},
  ) {
    const { clientUrl, streams } = parseEsdbLocation(connectionString);
    this.streams = streams;
    this.client = EventStoreDBClient.connectionString(clientUrl);
  }

  async append(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (this.closed) throw new Error('Event store is closed');
    if (events.length === 0) throw new Error('Nothing to append');
    const { commandId } = options;
    if (!commandId) return this.appendOnce(streamId, events, options);
    const under = this.appending.get(commandId);
    if (under) {
      const first = await under.catch(() => undefined);
      // The first failed: this call is a retry of its own.
      if (!first) return this.append(streamId, events, options);
      return this.replayed({ ...first, duplicate: true }, streamId, options);
    }
    const attempt = this.appendOnce(streamId, events, options);
    this.appending.set(commandId, attempt);
    try {
      return await attempt;
    } finally {
      if (this.appending.get(commandId) === attempt) this.appending.delete(commandId);
    }
  }

  private async appendOnce(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const { commandId } = options;
    if (commandId) {
      const first = await this.findCommandResult(commandId);
      if (first) return this.replayed(first, streamId, options);
    }
    const { recordedAt } = options;
    const serverIds = events.map((e, i) =>
      commandId ? esdbEventId(commandId, i) : e.metadata.eventId,
    );
    const toAppend = events.map((event, i) =>
      jsonEvent({
        id: serverIds[i]!,
        type: event.type,
        data: event.data as Record<string, unknown>,
        metadata: toEsdbMetadata({ ...event.metadata, recordedAt }),
      }),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.appendToStream(this.streams.onServer(streamId), toAppend, {
          expectedRevision: toEsdbExpectedRevision(options.expectedRevision),
        });
        break;
      } catch (error) {
        if (error instanceof WrongExpectedVersionError)
          throw toWrongExpectedRevision(streamId, options.expectedRevision, error.actualVersion);
        const tooLarge = refusedForSize(error);
        if (tooLarge) throw new AppendTooLarge(streamId, tooLarge);
        // The server drops a retry of an append it has not indexed yet (IdempotentNotReady),
        // and the client hears nothing: the same ids again are answered once it has.
        if (error instanceof DeadlineExceededError && attempt < APPEND_ATTEMPTS) continue;
        throw error;
      }
    }
    // What the stream holds now under those ids: this append's events, or, when the server
    // took it for a retry of an earlier one, that one's (their heard ids and positions).
    const written = await this.readByServerIds(streamId, serverIds);
    const last = written[written.length - 1]!;
    this.noteNewest(last.position);
    const result: AppendResult = {
      streamId,
      revision: last.revision,
      position: last.position,
      eventIds: written.map((e) => e.metadata.eventId),
      eventTypes: written.map((e) => e.type),
      duplicate: false,
      ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}),
    };
    if (commandId) return this.recordCommand(commandId, result, streamId, options);
    return result;
  }

  /** The last events of a stream, matched to the server ids just appended. */
  private async readByServerIds(streamId: string, serverIds: string[]): Promise<RecordedEvent[]> {
    const found = new Map<string, RecordedEvent>();
    await eachRecord(
      this.client.readStream(this.streams.onServer(streamId), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: BigInt(Math.max(serverIds.length * 4, 64)),
      }),
      (resolved) => {
        const recorded = toRecorded(resolved, this.streams);
        if (recorded && resolved.event && serverIds.includes(resolved.event.id))
          found.set(resolved.event.id, recorded);
        return found.size === serverIds.length;
      },
    );
    if (found.size !== serverIds.length)
      throw new Error(
        `Stream ${streamId}: the events just appended are not among its last ones (was it written to at the same time with other ids?)`,
      );
    return serverIds.map((id) => found.get(id)!);
  }

  /** Keeps the command's first result; when another instance kept one first, answers that. */
  private async recordCommand(
    commandId: string,
    result: AppendResult,
    streamId: string,
    options: AppendOptions,
  ): Promise<AppendResult> {
    try {
      await this.client.appendToStream(
        this.streams.command(commandId),
        jsonEvent({
          // A fresh id: with a derived one the server took another instance's record of the
          // same command for an idempotent retry of its own, and both answered "first".
          id: randomUUID(),
          type: COMMAND_RECORDED,
          data: { ...result, duplicate: true },
        }),
        { expectedRevision: NO_STREAM },
      );
      return result;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const first = await this.findCommandResult(commandId);
      if (!first) throw error;
      return this.replayed(first, streamId, options);
    }
  }

  private replayed(first: AppendResult, streamId: string, options: AppendOptions): AppendResult {
    if (!isSameRequest(first, streamId, options.fingerprint))
      throw new IdempotencyKeyReused(options.commandId!, first.streamId);
    return first;
  }

  async findCommandResult(commandId: string): Promise<AppendResult | undefined> {
    try {
      let first: AppendResult | undefined;
      await eachRecord(
        this.client.readStream(this.streams.command(commandId), {
          direction: FORWARDS,
          fromRevision: ESDB_START,
          maxCount: 1n,
        }),
        (resolved) => {
          if (resolved.event?.isJson) first = resolved.event.data as unknown as AppendResult;
          return first !== undefined;
        },
      );
      return first;
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
  }

  async readStream(
    streamId: string,
    options: { fromRevision?: number } = {},
  ): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      await eachRecord(
        this.client.readStream(this.streams.onServer(streamId), {
          direction: FORWARDS,
          fromRevision: BigInt(options.fromRevision ?? 0),
        }),
        (resolved) => {
          const recorded = toRecorded(resolved, this.streams);
          if (recorded) events.push(recorded);
        },
      );
    } catch (error) {
      if (!notFound(error)) throw error;
    }
    return events;
  }

  /** Events after a position, heard's only, a page of $all at a time (see `takeHeardEvents`). */
  async readAll({ after, limit }: { after: Checkpoint; limit: number }): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for (let floor = after; ;) {
      const page = await takeHeardEvents(
        this.client.readAll({
          direction: FORWARDS,
          fromPosition: fromEsdbCheckpoint(floor) ?? ESDB_START,
          maxCount: BigInt(limit + 1),
        }),
        floor,
        limit - events.length,
        this.streams,
      );
      events.push(...page.events);
      if (events.length === limit || page.read < limit + 1 || !page.last) return events;
      floor = page.last;
    }
  }

  /**
   * The newest of heard's events: read backwards from the end of $all until the first one (its
   * call cancelled there), in pages, down to where the last look began at most (nothing below
   * it can be newer than what that look found) and HEAD_SCAN_RECORDS records at most; then the
   * newest this process appended or found, else START. No forward scan of $all.
   */
  async head(): Promise<Checkpoint> {
    let from: Checkpoint | undefined;
    let top: Checkpoint | undefined;
    const seenBefore = this.lookedDownTo;
    try {
      for (let scanned = 0; scanned < HEAD_SCAN_RECORDS; scanned += HEAD_PAGE) {
        let found: Checkpoint | undefined;
        let read = 0;
        let reachedSeen = false;
        await eachRecord(
          this.client.readAll({
            direction: BACKWARDS,
            fromPosition: (from === undefined ? undefined : fromEsdbCheckpoint(from)) ?? END,
            maxCount: BigInt(HEAD_PAGE),
          }),
          (resolved) => {
            read += 1;
            if (!resolved.event?.position) return;
            from = toEsdbCheckpoint(resolved.event.position);
            top ??= from;
            if (seenBefore !== undefined && from <= seenBefore) return (reachedSeen = true);
            found = toRecorded(resolved, this.streams)?.position;
            return found !== undefined;
          },
        );
        if (found) return this.noteNewest(found);
        if (reachedSeen || read < HEAD_PAGE) break;
      }
      return this.newestKnown ?? START;
    } finally {
      if (top !== undefined && (this.lookedDownTo === undefined || top > this.lookedDownTo))
        this.lookedDownTo = top;
    }
  }

  private noteNewest(position: Checkpoint): Checkpoint {
    if (!this.newestKnown || position > this.newestKnown) this.newestKnown = position;
    return position;
  }

  /**
   * heard's lag: how many of its events follow `after`. Counted from the positions a live
   * subscription delivered since this store first counted (PositionTally), without reading an
   * event. What the tally has not reached yet (the head is past its newest: the subscription
   * is behind, or broken and reconnecting) is counted by reading, so a tally that stopped
   * never hides a lag; so is a reader behind where the tally began (a catch-up after a
   * start), as EventStoreDB keeps no count of $all.
   */
  async countAfter(after: Checkpoint): Promise<number> {
    const head = await this.head();
    const tally = this.tallyFrom(head);
    if (after !== START && after >= head) return 0;
    const tallied = tally.countAfter(after);
    if (tallied === undefined) return this.countByReading(after);
    if (tally.newest >= head) return tallied;
    return tallied + (await this.countByReading(after > tally.newest ? after : tally.newest));
  }

  private async countByReading(after: Checkpoint): Promise<number> {
    let count = 0;
    for (let page = await this.readAll({ after, limit: 1000 }); page.length > 0;) {
      count += page.length;
      page = await this.readAll({ after: page[page.length - 1]!.position, limit: 1000 });
    }
    return count;
  }

  /**
   * The tally of heard's positions after `from`, fed by a subscription filtered on the server
   * to heard's streams; when it breaks it resumes after the last position it delivered, so
   * that the tally has no gap.
   */
  private tallyFrom(from: Checkpoint): PositionTally {
    if (this.tally) return this.tally.positions;
    const positions = new PositionTally(from);
    const stop = this.followLive(
      () => fromEsdbCheckpoint(positions.newest) ?? ESDB_START,
      (resolved) => {
        const recorded = toRecorded(resolved, this.streams);
        if (recorded) positions.add(recorded.position);
      },
    );
    this.tally = { positions, stop };
    return positions;
  }

  parsePosition(raw: string | number): Checkpoint | undefined {
    return parseEsdbPosition(raw);
  }

  subscribe(options: SubscribeOptions): Subscription {
    return followByReading(
      {
        readAll: (o) => this.readAll(o),
        onAppended: (wake) => this.listenForAppends(wake),
        pollIntervalMs: this.options.pollIntervalMs ?? 1000,
      },
      options,
    );
  }

  /** A live subscription to $all, only to be woken: polling reads what it may miss. */
  private listenForAppends(wake: () => void): () => Promise<void> {
    return this.followLive(() => END, wake);
  }

  /**
   * A subscription to $all filtered on the server to heard's streams (not other
   * applications', the server's own or heard's command records). When it breaks, or the
   * server ends it, it subscribes again with backoff from where `from` says, until stopped.
   */
  private followLive(
    from: () => ReadPosition,
    onData: (resolved: AllStreamResolvedEvent) => void,
  ): () => Promise<void> {
    let live: AllStreamSubscription | undefined;
    let stopped = false;
    let attempt = 0;
    let retry: NodeJS.Timeout | undefined;
    const listen = () => {
      if (stopped || this.closed) return;
      const subscription = this.client.subscribeToAll({
        fromPosition: from(),
        filter: streamNameFilter({ prefixes: this.streams.eventPrefixes() }),
      });
      live = subscription;
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        attempt = 0;
        onData(resolved);
      });
      let again = false;
      const reconnect = () => {
        if (again || stopped || this.closed || live !== subscription) return;
        again = true;
        attempt += 1;
        retry = setTimeout(listen, reconnectDelayMs(attempt, Math.random()));
        retry.unref();
      };
      subscription.on('error', reconnect);
      subscription.on('end', reconnect);
      subscription.on('close', reconnect);
    };
    listen();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      await live?.unsubscribe().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tally?.stop();
    await this.client.dispose();
  }
}
