import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import {
  CURRENT_SCHEMA_VERSION,
  DomainRuleViolation,
  deciders,
  issueRules,
  streamIds,
  targetOf,
  type DomainCommand,
  type EventMetadata,
} from '@heard/domain';
import {
  EVENT_STORE,
  IdempotencyKeyReused,
  isSameRequest,
  WrongExpectedRevision,
  type AppendResult,
  type EventStore,
} from '@heard/event-store';
import { ConcurrencyConflict } from '../http/errors';
import { AggregateStateCache } from './aggregate-state-cache';

export type CommandMetadata = Omit<EventMetadata, 'eventId' | 'recordedAt' | 'schemaVersion'>;

/** The one bus command: a domain command with its metadata, for whichever aggregate it addresses. */
export class ExecuteDomainCommand extends Command<AppendResult> {
  constructor(
    readonly command: DomainCommand,
    readonly metadata: CommandMetadata,
    /** Hash of the request as sent, to tell a retry from a reused key. */
    readonly fingerprint?: string,
  ) {
    super();
  }
}

/** Deciding again on a conflict is safe: decide re-checks every rule against the newer state. */
const MAX_ATTEMPTS = 5;

/** Loads the stream, decides, appends with the expected revision; a thin shell round the decider. */
@CommandHandler(ExecuteDomainCommand)
export class ExecuteDomainCommandHandler implements ICommandHandler<ExecuteDomainCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly states: AggregateStateCache,
  ) {}

  async execute({ command, metadata, fingerprint }: ExecuteDomainCommand): Promise<AppendResult> {
    const target = targetOf(command);
    const seen = await this.store.findCommandResult(metadata.commandId);
    if (seen) {
      if (!isSameRequest(seen, target.streamId, fingerprint))
        throw new IdempotencyKeyReused(metadata.commandId, seen.streamId);
      return seen;
    }
    await this.checkReferences(command);
    const decider = deciders[target.aggregate];
    for (let attempt = 1; ; attempt++) {
      const { state, revision } = await this.states.load(target.streamId, decider);
      const events = decider.decide(command, state);
      try {
        const result = await this.store.append(
          target.streamId,
          events.map((event) => ({
            type: event.type,
            data: event.data,
            metadata: { ...metadata, eventId: randomUUID(), schemaVersion: CURRENT_SCHEMA_VERSION },
          })),
          {
            expectedRevision: revision < 0 ? 'no_stream' : revision,
            commandId: metadata.commandId,
            fingerprint,
          },
        );
        if (!result.duplicate)
          this.states.advance(target.streamId, decider, state, events, result.revision);
        return result;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error;
        this.states.forget(target.streamId);
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyConflict(target.streamId);
      }
    }
  }

  /** Rules that span aggregates: a link must name an issue that exists. */
  private async checkReferences(command: DomainCommand): Promise<void> {
    if (command.type !== 'LinkCaseToIssue') return;
    const { revision } = await this.states.load(streamIds.issue(command.issueId), deciders.issue);
    if (revision < 0)
      throw new DomainRuleViolation(
        issueRules.notFound,
        'not_found',
        `Issue ${command.issueId} does not exist`,
      );
  }
}
