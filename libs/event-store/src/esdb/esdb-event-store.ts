import {
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  BACKWARDS,
  jsonEvent,
  NO_STREAM,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { EventMetadata } from '@heard/domain';
import { followByReading } from '../catch-up-subscription';
import {
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
  commandStream,
  esdbEventId,
  fromEsdbCheckpoint,
  fromEsdbMetadata,
  isHeardEvent,
  parseEsdbPosition,
  reconnectDelayMs,
  toEsdbCheckpoint,
  toEsdbExpectedRevision,
  toEsdbMetadata,
  toWrongExpectedRevision,
} from './esdb-mapping';

/** The type of the events of a command-record stream. */
const COMMAND_RECORDED = 'heard.CommandRecorded';

const toRecorded = (
  resolved: ResolvedEvent | AllStreamResolvedEvent,
): RecordedEvent | undefined => {
  const event = resolved.event;
  if (!event?.isJson || !event.position || !isHeardEvent(event.streamId, event.type))
    return undefined;
  return {
    position: toEsdbCheckpoint(event.position),
    streamId: event.streamId,
    revision: Number(event.revision),
    type: event.type,
    data: event.data,
    metadata: fromEsdbMetadata(event.metadata, event.created),
  };
};

const notFound = (error: unknown) => error instanceof StreamNotFoundError;

/**
 * From records of $all read forward from `floor` (reading from a position includes the
 * record there): heard's events after `floor`, at most `limit`, how many records were read,
 * and the position of the last one (where the next page starts when this one held only the
 * server's records).
 */
export const takeHeardEvents = async (
  records: AsyncIterable<AllStreamResolvedEvent>,
  floor: Checkpoint,
  limit: number,
): Promise<{ events: RecordedEvent[]; read: number; last?: Checkpoint }> => {
  const events: RecordedEvent[] = [];
  let read = 0;
  let last: Checkpoint | undefined;
  for await (const resolved of records) {
    read += 1;
    if (!resolved.event?.position) continue;
    last = toEsdbCheckpoint(resolved.event.position);
    if (last <= floor) continue;
    const recorded = toRecorded(resolved);
    if (recorded) events.push(recorded);
    if (events.length === limit) break;
  }
  return { events, read, ...(last === undefined ? {} : { last }) };
};

/**
 * The event store on EventStoreDB (or KurrentDB, which speaks the same protocol), through
 * @eventstore/db-client, from its connection string (`esdb://…`, TLS settings included).
 *
 * - Appends check the expected revision on the server; a conflict is the port's typed one.
 * - Idempotency: each event's server id is derived from the command id and its index, so the
 *   server's own duplicate check catches a retried append where it can (best effort), and
 *   each command's first result is kept in a stream of its own (`heard-command-<id>`,
 *   created with no_stream, so two instances cannot both record one), which
 *   `findCommandResult` reads.
 * - Positions are $all's commit and prepare positions, at a fixed width.
 * - Subscribing reads $all from a checkpoint (server events and command records left out),
 *   woken by a live $all subscription that reconnects with backoff, and polls besides.
 *
 * No EventStoreDB server can run where heard is developed: this adapter runs the shared
 * contract suite when HEARD_TEST_ESDB_URL names one (see the README).
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly now: () => Date;
  private closed = false;

  constructor(
    connectionString: string,
    private readonly options: { now?: () => Date; pollIntervalMs?: number } = {},
  ) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.now = options.now ?? (() => new Date());
  }

  async append(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (this.closed) throw new Error('Event store is closed');
    if (events.length === 0) throw new Error('Nothing to append');
    const { commandId } = options;
    if (commandId) {
      const first = await this.findCommandResult(commandId);
      if (first) return this.replayed(first, streamId, options);
    }
    const recordedAt = options.recordedAt ?? this.now().toISOString();
    const serverIds = events.map((e, i) =>
      commandId ? esdbEventId(commandId, i) : e.metadata.eventId,
    );
    try {
      await this.client.appendToStream(
        streamId,
        events.map((event, i) =>
          jsonEvent({
            id: serverIds[i]!,
            type: event.type,
            data: event.data as Record<string, unknown>,
            metadata: toEsdbMetadata({ ...event.metadata, recordedAt } satisfies EventMetadata),
          }),
        ),
        { expectedRevision: toEsdbExpectedRevision(options.expectedRevision) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError)
        throw toWrongExpectedRevision(streamId, options.expectedRevision, error.actualVersion);
      throw error;
    }
    // What the stream holds now under those ids: this append's events, or, when the server
    // took it for a retry of an earlier one, that one's (their heard ids and positions).
    const written = await this.readByServerIds(streamId, serverIds);
    const last = written[written.length - 1]!;
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
    for await (const resolved of this.client.readStream(streamId, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: BigInt(Math.max(serverIds.length * 4, 64)),
    })) {
      const recorded = toRecorded(resolved);
      if (recorded && resolved.event && serverIds.includes(resolved.event.id))
        found.set(resolved.event.id, recorded);
      if (found.size === serverIds.length) break;
    }
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
        commandStream(commandId),
        jsonEvent({
          id: esdbEventId(commandId, -1),
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
      for await (const resolved of this.client.readStream(commandStream(commandId), {
        direction: FORWARDS,
        fromRevision: ESDB_START,
        maxCount: 1n,
      }))
        if (resolved.event?.isJson) return resolved.event.data as unknown as AppendResult;
      return undefined;
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
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(options.fromRevision ?? 0),
      })) {
        const recorded = toRecorded(resolved);
        if (recorded) events.push(recorded);
      }
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
      );
      events.push(...page.events);
      if (events.length === limit || page.read < limit + 1 || !page.last) return events;
      floor = page.last;
    }
  }

  async head(): Promise<Checkpoint> {
    for await (const resolved of this.client.readAll({
      direction: BACKWARDS,
      fromPosition: END,
      maxCount: 4096n,
    })) {
      const recorded = toRecorded(resolved);
      if (recorded) return recorded.position;
    }
    // None among the last 4,096 records: read forward for the last one.
    let last: Checkpoint = START;
    for (let page = await this.readAll({ after: START, limit: 1000 }); page.length > 0;) {
      last = page[page.length - 1]!.position;
      page = await this.readAll({ after: last, limit: 1000 });
    }
    return last;
  }

  /** Counted by reading: EventStoreDB keeps no count of $all (it is heard's lag, so usually small). */
  async countAfter(after: Checkpoint): Promise<number> {
    let count = 0;
    for (let page = await this.readAll({ after, limit: 1000 }); page.length > 0;) {
      count += page.length;
      page = await this.readAll({ after: page[page.length - 1]!.position, limit: 1000 });
    }
    return count;
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

  /**
   * A live subscription to $all, only to be woken; when it breaks, it reconnects with backoff
   * (reading goes on by polling meanwhile: nothing is missed, only noticed later).
   */
  private listenForAppends(wake: () => void): () => Promise<void> {
    let live: AllStreamSubscription | undefined;
    let stopped = false;
    let attempt = 0;
    const listen = () => {
      if (stopped) return;
      live = this.client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
      live.on('data', () => {
        attempt = 0;
        wake();
      });
      live.on('error', () => {
        if (stopped) return;
        attempt += 1;
        setTimeout(listen, reconnectDelayMs(attempt, Math.random())).unref();
      });
    };
    listen();
    return async () => {
      stopped = true;
      await live?.unsubscribe().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.dispose();
  }
}
