import { Inject, Optional } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import {
  CURRENT_SCHEMA_VERSION,
  DomainRuleViolation,
  deciders,
  issueRules,
  streamIds,
  targetOf,
  type AccountState,
  type DomainCommand,
  type EventMetadata,
  type SlaCaseFacts,
  type SlaPolicyDefined,
  type SlaPolicyVersion,
} from '@heard/domain';
import {
  EVENT_STORE,
  IdempotencyKeyReused,
  isSameRequest,
  WrongExpectedRevision,
  type AppendResult,
  type EventStore,
} from '@heard/event-store';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import { cloudEventBytesBound, messageBytes, toCloudEventMessage } from '@heard/messaging';
import { ConcurrencyConflict } from './errors';
import { AggregateStateCache } from './aggregate-state-cache';

type CommandMetadata = Omit<EventMetadata, 'eventId' | 'recordedAt' | 'schemaVersion'>;

/** The SLA policies a new case is matched against (the SLA read model's catalog). */
export interface SlaPolicyLookup {
  forCase(facts: SlaCaseFacts): Promise<SlaPolicyVersion | undefined>;
  /** A version this process just defined: it holds the next case opened here. */
  remember(policy: SlaPolicyVersion): void;
}
export const SLA_POLICIES = Symbol('SlaPolicies');

/** The one bus command: a domain command with its metadata, for whichever aggregate it addresses. */
export class ExecuteDomainCommand extends Command<AppendResult> {
  constructor(
    readonly command: DomainCommand,
    readonly metadata: CommandMetadata,
    /** Hash of the request as sent, to tell a retry from a reused key. */
    readonly fingerprint?: string,
    /**
     * The caller gave an idempotency key, so the command may have been recorded before.
     * Without one its id is new: looking it up first would only cost a read.
     */
    readonly keyed = true,
  ) {
    super();
  }
}

/** Deciding again on a conflict is safe: decide re-checks every rule against the newer state. */
const MAX_ATTEMPTS = 8;
/** Jittered backoff after a conflict with another process: 0 to 5, 10, 20 … 160 ms. */
const backoffMs = (attempt: number) => Math.random() * Math.min(5 * 2 ** (attempt - 1), 160);

/** The state after the appends this process has queued on a stream, committed or not. */
interface StreamHead {
  state: unknown;
  revision: number;
}

/** An event is refused at append time when it could never be published in one Kafka message. */
export class EventTooLarge extends Error {
  override readonly name = 'EventTooLarge';
  constructor(
    readonly eventType: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `The ${eventType} event would take ${bytes} bytes as a message, over HEARD_MAX_EVENT_BYTES (${limit}); shorten the text fields. Nothing was written`,
    );
  }
}

/**
 * Loads the stream, decides, appends with the expected revision; a thin shell round the
 * decider. Commands on one stream are decided one after another against the state after
 * the appends already queued (so they never conflict with each other in this process, and
 * their appends share a commit); only the commit is awaited side by side. A conflict with
 * another process reads the events after the cached revision and decides again after a
 * jittered backoff.
 */
@CommandHandler(ExecuteDomainCommand)
export class ExecuteDomainCommandHandler implements ICommandHandler<ExecuteDomainCommand> {
  private readonly heads = new Map<string, StreamHead>();
  /** Appends queued per stream and not yet settled; at 0 the head is dropped (the cache has it). */
  private readonly pending = new Map<string, number>();
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly states: AggregateStateCache,
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
    @Optional() @Inject(SLA_POLICIES) private readonly slaPolicies?: SlaPolicyLookup,
  ) {}

  async execute({
    command,
    metadata,
    fingerprint,
    keyed,
  }: ExecuteDomainCommand): Promise<AppendResult> {
    const target = targetOf(command);
    for (let attempt = 1; ; attempt++) {
      const { committed } = await this.inTurn(target.streamId, () =>
        this.decideAndQueue(command, metadata, fingerprint, keyed),
      );
      try {
        return await committed;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyConflict(target.streamId);
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
      }
    }
  }

  /** Runs `step` after the steps queued before it on the same stream have run (not committed). */
  private inTurn<T>(streamId: string, step: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(streamId) ?? Promise.resolve();
    const turn = previous.then(step);
    const settled = turn.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(streamId, settled);
    void settled.then(() => {
      if (this.turns.get(streamId) === settled) this.turns.delete(streamId);
    });
    return turn;
  }

  /** Decides against the stream's latest state and queues the append; resolves to its commit. */
  private async decideAndQueue(
    command: DomainCommand,
    metadata: CommandMetadata,
    fingerprint: string | undefined,
    keyed: boolean,
  ): Promise<{ committed: Promise<AppendResult> }> {
    const target = targetOf(command);
    const seen = keyed ? await this.store.findCommandResult(metadata.commandId) : undefined;
    if (seen) {
      if (!isSameRequest(seen, target.streamId, fingerprint))
        throw new IdempotencyKeyReused(metadata.commandId, seen.streamId);
      return { committed: Promise.resolve(seen) };
    }
    command = await this.prepare(command);
    const decider = deciders[target.aggregate];
    const base =
      this.heads.get(target.streamId) ?? (await this.states.load(target.streamId, decider));
    const events = decider.decide(command, base.state);
    const recordedAt = new Date().toISOString();
    const newEvents = events.map((event) => ({
      type: event.type,
      data: event.data,
      metadata: {
        ...metadata,
        eventId: randomUUID(),
        schemaVersion: CURRENT_SCHEMA_VERSION,
      },
    }));
    for (const event of newEvents) this.refuseOversized(target.streamId, event, recordedAt);
    const append = this.store.append(target.streamId, newEvents, {
      expectedRevision: base.revision < 0 ? 'no_stream' : base.revision,
      commandId: metadata.commandId,
      fingerprint,
    });
    const head: StreamHead = {
      state: events.reduce<unknown>((s, e) => decider.evolve(s, e), base.state),
      revision: base.revision + events.length,
    };
    const streamId = target.streamId;
    this.heads.set(streamId, head);
    this.pending.set(streamId, (this.pending.get(streamId) ?? 0) + 1);
    const settle = (valid: boolean) => {
      const left = this.pending.get(streamId)! - 1;
      if (left === 0) this.pending.delete(streamId);
      else this.pending.set(streamId, left);
      // A failed or replayed append leaves the queued state wrong: the next command reads the store.
      if (!valid || left === 0) this.heads.delete(streamId);
    };
    const committed = append.then(
      (result) => {
        if (!result.duplicate)
          this.states.remember(streamId, { state: head.state, revision: result.revision });
        if (!result.duplicate && command.type === 'DefineSlaPolicy')
          this.slaPolicies?.remember((events[0] as SlaPolicyDefined).data);
        settle(!result.duplicate && result.revision === head.revision);
        return result;
      },
      (error: unknown) => {
        settle(false);
        // Someone else appended: the cached state is behind, and the retry must read the store.
        if (error instanceof WrongExpectedRevision) this.states.forget(streamId);
        throw error;
      },
    );
    // Wrapped: a bare promise would be awaited by inTurn, serialising the commits too.
    return { committed };
  }

  private refuseOversized(
    streamId: string,
    event: { type: string; data: unknown; metadata: Omit<EventMetadata, 'recordedAt'> },
    recordedAt: string,
  ): void {
    if (cloudEventBytesBound(streamId, event) <= this.config.maxEventBytes) return;
    const bytes = messageBytes(
      toCloudEventMessage({
        streamId,
        type: event.type,
        data: event.data,
        metadata: { ...event.metadata, recordedAt },
        // The longest a position and a revision can be, so the measure is an upper bound.
        position: '9'.repeat(40),
        revision: Number.MAX_SAFE_INTEGER,
      }),
    );
    if (bytes > this.config.maxEventBytes)
      throw new EventTooLarge(event.type, bytes, this.config.maxEventBytes);
  }
  /**
   * What a command needs from beyond its stream: a new case gets the SLA policy that
   * matches it; a link must name an issue that exists.
   */
  private async prepare(command: DomainCommand): Promise<DomainCommand> {
    if (command.type === 'OpenCase' && this.slaPolicies) {
      // The account's tier as its stream says now (PUT /accounts/:accountId).
      const account = command.accountId
        ? ((await this.states.load(streamIds.account(command.accountId), deciders.account))
            .state as AccountState)
        : undefined;
      const sla = await this.slaPolicies.forCase({
        channel: command.channel,
        category: command.category,
        product: command.product,
        accountTier: account?.tier,
      });
      return sla ? { ...command, sla } : command;
    }
    if (command.type !== 'LinkCaseToIssue') return command;
    const { revision } = await this.states.load(streamIds.issue(command.issueId), deciders.issue);
    if (revision < 0)
      throw new DomainRuleViolation(
        issueRules.notFound,
        'not_found',
        `Issue ${command.issueId} does not exist`,
      );
    return command;
  }
}
