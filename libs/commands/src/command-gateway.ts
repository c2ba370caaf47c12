import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createHash, randomUUID } from 'node:crypto';
import { targetOf, type Actor, type DomainCommand } from '@heard/domain';
import {
  actorKindOf,
  admittedRoles,
  holdsOneOf,
  mayActFor,
  mayCreditOthers,
  type Principal,
} from '@heard/security';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import type { Checkpoint } from '@heard/event-store';
import { Forbidden, ValidationFailed, type FieldError } from './errors';
import { HEADER_TOKEN, HEADER_TOKEN_RULE, isIsoInstant } from './input-rules';
import { commandSpec, COMMAND_TYPES } from './command-catalog';
import { ID_PATTERN } from './command-dto';
import { ExecuteDomainCommand } from './execute-domain-command';
import { validateBody } from './validate-body';

/** What the write path reports of each command: its time and outcome, by type. */
interface CommandMetrics {
  commandTimer(type: string): (outcome: string) => void;
}
/** The provider of CommandMetrics (the app's metrics registry). */
export const COMMAND_METRICS = Symbol('CommandMetrics');

/** Where a command came from, beside its body: headers over HTTP, the envelope in a batch. */
export interface CommandContext {
  /** Who sent it, as its credential proves: the actor of its events. */
  caller: Principal;
  idempotencyKey?: string;
  correlationId?: string;
  causationId?: string;
  /** The agent an upstream app acts for (X-Actor-Id); refused from any other caller. */
  actorId?: string;
  /** Refused from everyone: an actor's kind and role come from its credential. */
  actorKind?: string;
  actorRole?: string;
  /** Business time for commands whose body has no occurredAt (history loaders, backfills). */
  occurredAt?: string;
}

export interface CommandReceipt {
  /** The ids the command named or generated: caseId, fixId, followUpId, contactId, … */
  ids: Record<string, string>;
  streamId: string;
  revision: number;
  /** The store's position of the last event: pass it as minPosition to read your write. */
  position: Checkpoint;
  events: string[];
  /** True when the idempotency key had been seen: this is the first answer, nothing was written. */
  replayed: boolean;
}

const ID_FIELDS = [
  'caseId',
  'issueId',
  'changeId',
  'incidentId',
  'fixId',
  'followUpId',
  'contactId',
  'promiseId',
  'policyId',
] as const;

/** Ids derived from the idempotency key: a retried command names the same case, fix or follow-up. */
const derivedId = (commandId: string, purpose: string): string => {
  const hex = createHash('sha256').update(`${commandId}:${purpose}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/**
 * Turns a command as it arrives (type, path parameters, body, context) into a domain command
 * with metadata, after one validation shared by HTTP, the batch route and Kafka.
 */
@Injectable()
export class CommandGateway {
  constructor(
    private readonly bus: CommandBus,
    @Inject(COMMAND_METRICS) private readonly metrics: CommandMetrics,
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
  ) {}

  async execute(
    type: string,
    params: Record<string, string>,
    rawBody: unknown,
    context: CommandContext,
  ): Promise<CommandReceipt> {
    const stop = this.metrics.commandTimer(type);
    try {
      const receipt = await this.run(type, params, rawBody, context);
      stop(receipt.replayed ? 'replayed' : 'accepted');
      return receipt;
    } catch (error) {
      stop(outcomeOf(error));
      throw error;
    }
  }

  private async run(
    type: string,
    params: Record<string, string>,
    rawBody: unknown,
    context: CommandContext,
  ) {
    const spec = commandSpec(type);
    if (!spec)
      throw new ValidationFailed([
        {
          field: 'type',
          rules: { isIn: `type must be one of the following values: ${COMMAND_TYPES.join(', ')}` },
        },
      ]);
    // Checked here too, not only on the route: a batch item or a Kafka message names its type.
    if (!holdsOneOf(context.caller, spec.allow))
      throw new Forbidden(
        `${spec.type} needs the role ${admittedRoles({ kind: 'roles', roles: spec.allow }).join(' or ')}; ${context.caller.id} has ${context.caller.roles.join(', ') || 'no heard role'}`,
        admittedRoles({ kind: 'roles', roles: spec.allow }),
      );
    refuseForgedActor(context);
    const problems: FieldError[] = [];
    for (const name of spec.params) {
      const value = params[name];
      if (value === undefined || !ID_PATTERN.test(value))
        problems.push({
          field: name,
          rules: { matches: `${name} must be 1 to 100 letters, digits, ".", "_", ":" or "-"` },
        });
    }
    let body: ReturnType<typeof validateBody> | undefined;
    try {
      body = validateBody(spec.dto, rawBody);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      problems.push(...error.fields);
    }
    const { commandId, keyed } = this.commandIdOf(
      context,
      (rawBody as { commandId?: unknown } | undefined)?.commandId,
      problems,
    );
    for (const [field, header, value] of [
      ['correlationId', 'X-Correlation-Id', context.correlationId],
      ['causationId', 'X-Causation-Id', context.causationId],
      ['actorId', 'X-Actor-Id', context.actorId],
    ] as const)
      if (value !== undefined && !HEADER_TOKEN.test(value))
        problems.push({
          field,
          rules: { matches: `${field} (or the ${header} header) must be ${HEADER_TOKEN_RULE}` },
        });
    if (context.occurredAt !== undefined && !isIsoInstant(context.occurredAt))
      problems.push({
        field: 'occurredAt',
        rules: { isIso8601: 'occurredAt must be an ISO 8601 instant' },
      });
    if (problems.length > 0 || !body) throw new ValidationFailed(problems);
    refuseCreditToOthers(context.caller, body);

    const occurredAt = (body as { occurredAt?: string }).occurredAt ?? context.occurredAt;
    const at = occurredAt ? new Date(occurredAt).toISOString() : new Date().toISOString();
    const command: DomainCommand = spec.build(body, params, {
      at,
      newId: (purpose) => derivedId(commandId, purpose),
      followUpDelayMs: this.config.followUpDelayMs,
    });
    const result = await this.bus.execute(
      new ExecuteDomainCommand(
        command,
        {
          commandId,
          correlationId: context.correlationId ?? commandId,
          causationId: context.causationId ?? commandId,
          actor: actorOf(context, spec.actorOf?.(body)),
          occurredAt: at,
        },
        // Only a keyed command can be sent again: without a key its id is new, nothing to compare.
        keyed ? fingerprintOf(type, params, rawBody) : undefined,
        keyed,
      ),
    );
    const ids: Record<string, string> = {};
    for (const field of ID_FIELDS) {
      const value = (command as unknown as Record<string, unknown>)[field];
      if (typeof value === 'string') ids[field] = value;
    }
    if (command.type === 'ResolveCase') ids.followUpId = command.followUp.followUpId;
    // A case names its account too, but only an account's own command is about it.
    if (command.type === 'DefineAccount') ids.accountId = command.accountId;
    return {
      ids,
      streamId: targetOf(command).streamId,
      revision: result.revision,
      position: result.position,
      events: result.eventTypes,
      replayed: result.duplicate,
    };
  }

  private commandIdOf(
    context: CommandContext,
    inBody: unknown,
    problems: FieldError[],
  ): { commandId: string; keyed: boolean } {
    const key = context.idempotencyKey;
    if (key !== undefined && !ID_PATTERN.test(key))
      problems.push({
        field: 'Idempotency-Key',
        rules: {
          matches: 'Idempotency-Key must be 1 to 100 letters, digits, ".", "_", ":" or "-"',
        },
      });
    if (key !== undefined && typeof inBody === 'string' && inBody !== key)
      problems.push({
        field: 'commandId',
        rules: { equals: 'commandId and the Idempotency-Key header differ; send one key' },
      });
    const given = key ?? (typeof inBody === 'string' ? inBody : undefined);
    // Scoped to the caller: one client's key can neither replay nor block another's command.
    return given === undefined
      ? { commandId: randomUUID(), keyed: false }
      : { commandId: `${idempotencyScopeOf(context.caller)}:${given}`, keyed: true };
  }
}

/** A caller's own namespace of idempotency keys: its ref when plain, else a digest of it. */
const idempotencyScopeOf = (caller: Principal): string =>
  /^[A-Za-z0-9._:-]{1,64}$/.test(caller.ref)
    ? caller.ref
    : `ref-${createHash('sha256').update(caller.ref).digest('hex').slice(0, 16)}`;

/** A caller may not choose the actor of what it writes; an upstream app may name the agent it acts for. */
const refuseForgedActor = (context: CommandContext) => {
  const named = (
    [
      ['X-Actor-Kind', context.actorKind],
      ['X-Actor-Role', context.actorRole],
      ...(mayActFor(context.caller) ? [] : [['X-Actor-Id', context.actorId] as const]),
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (named.length > 0)
    throw new Forbidden(
      `${named.map(([header]) => header).join(', ')} refused: the actor of every event is the caller its credential proves${
        mayActFor(context.caller)
          ? ''
          : '; only an integration key may name the agent it acts for (X-Actor-Id)'
      }. Nothing was written`,
      undefined,
      'actor_refused',
    );
};

/**
 * An agent's own key credits work to itself only: the KPIs by agent count what the body's
 * agent field names, so naming another agent is for apps and supervisors.
 */
const refuseCreditToOthers = (caller: Principal, body: object) => {
  if (mayCreditOthers(caller)) return;
  for (const field of ['agentId', 'fromAgentId'] as const) {
    const named = (body as Record<string, unknown>)[field];
    if (typeof named === 'string' && named !== caller.id)
      throw new Forbidden(
        `${field} must be your own agent id (${caller.id}): only integration and supervisor keys may name another agent. Nothing was written`,
        undefined,
        'agent_not_caller',
      );
  }
};

/** The caller; or, for an upstream app that names the agent it acts for, that agent via the app. */
const actorOf = (context: CommandContext, agentInBody: string | undefined): Actor => {
  const { caller } = context;
  const actingFor = mayActFor(caller) ? (context.actorId ?? agentInBody) : undefined;
  if (actingFor) return { id: actingFor, kind: 'agent', via: caller.ref };
  return { id: caller.ref, kind: actorKindOf(caller), role: caller.roles.join(',') };
};

/** Canonical JSON (sorted keys) of what was asked, without the key itself. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => k !== 'commandId')
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
};
const fingerprintOf = (type: string, params: Record<string, string>, body: unknown): string =>
  createHash('sha256')
    .update(`${type}\n${canonical(params)}\n${canonical(body ?? {})}`)
    .digest('base64url');

const outcomeOf = (error: unknown): string => {
  const name = (error as { name?: string }).name;
  if (name === 'ValidationFailed') return 'invalid';
  if (name === 'DomainRuleViolation') return `refused_${(error as { kind: string }).kind}`;
  if (name === 'ConcurrencyConflict') return 'conflict';
  return 'error';
};
