import { Controller, HttpCode, Inject, Logger, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import {
  CURRENT_SCHEMA_VERSION,
  ERASED,
  personalFieldsOf,
  streamIds,
  type CustomerErased,
} from '@heard/domain';
import { EVENT_STORE, type EventStore } from '@heard/event-store';
import { ProjectionRunner } from '@heard/projections';
import { READ_STORE, type ReadStore } from '@heard/read-store';
import { CustomerKeys, type Principal } from '@heard/security';
import { ID_PATTERN, ValidationFailed } from '@heard/commands';
import { Allow, Caller } from '../http/access-control';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';

/** How long an erasure waits for the read models to have forgotten the customer. */
const FORGOTTEN_WITHIN_MS = 30_000;

/** Every string in a JSON value with each of `words` replaced by ERASED. */
const withoutWords = (value: unknown, words: string[]): unknown => {
  if (typeof value === 'string')
    return words.reduce((text, word) => text.split(word).join(ERASED), value);
  if (Array.isArray(value)) return value.map((item) => withoutWords(item, words));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => [key, withoutWords(field, words)]),
    );
  return value;
};

/**
 * Erasure that keeps the trends (crypto-shredding): the customer's data key is destroyed, a
 * CustomerErased event (no personal data) is recorded, and each read model replaces what it
 * copied of their words with ERASED when it applies that event; every event, count, trend
 * and KPI stays. Messages heard already composed from their words (a "you were heard"
 * notice quotes the case) are rewritten in the outbox, sent or not.
 */
@ApiTags('access')
@Controller()
export class ErasureController {
  private readonly logger = new Logger('erasure');

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Inject(CustomerKeys) private readonly keys: CustomerKeys,
    private readonly runner: ProjectionRunner,
  ) {}

  @Post('customers/:customerId/erasure')
  @HttpCode(200)
  @Allow('admin')
  @Answers('Erasure')
  async erase(
    @Param('customerId') customerId: string,
    @Caller() caller: Principal,
  ): Promise<HeardAnswers['Erasure']> {
    if (!ID_PATTERN.test(customerId))
      throw new ValidationFailed([
        {
          field: 'customerId',
          rules: { matches: 'customerId must be 1 to 100 letters, digits, ".", "_", ":" or "-"' },
        },
      ]);
    // Their words as heard holds them now, read before the key goes: to find them in messages.
    await this.runner.waitFor(await this.events.head(), FORGOTTEN_WITHIN_MS);
    const caseIds = (
      await this.reads.query<{ case_id: string }>(
        'SELECT case_id FROM case_view WHERE customer_id = ?',
        [customerId],
      )
    ).map((row) => row.case_id);
    const words = new Set<string>();
    for (const caseId of caseIds)
      for (const event of await this.events.readStream(streamIds.case(caseId)))
        for (const field of personalFieldsOf(event.type)) {
          const value = (event.data as Record<string, unknown>)[field];
          if (typeof value === 'string' && value !== ERASED && value.trim()) words.add(value);
        }

    // Messages waiting to go lose the words before anything else (the relay may send any time).
    let messages = await this.rewriteMessages(customerId, caseIds, [...words]);
    // Then the key: from now on nothing new of theirs is stored readable, even mid-erasure.
    const erasedAt = await this.keys.erase(customerId);
    const event: CustomerErased = { type: 'CustomerErased', data: { customerId, erasedAt } };
    const commandId = `erasure:${customerId}`;
    const recorded =
      (await this.events.findCommandResult(commandId)) ??
      (await this.events.append(
        streamIds.customer(customerId),
        [
          {
            ...event,
            metadata: {
              eventId: randomUUID(),
              commandId,
              correlationId: commandId,
              causationId: commandId,
              actor: { id: caller.ref, kind: 'agent', role: caller.roles.join(',') },
              occurredAt: erasedAt,
              schemaVersion: CURRENT_SCHEMA_VERSION,
            },
          },
        ],
        { expectedRevision: 'any', commandId },
      ));
    const forgotten = await this.runner.waitFor(recorded.position, FORGOTTEN_WITHIN_MS);
    // And what a projection composed from their words before it applied the erasure.
    messages += await this.rewriteMessages(customerId, caseIds, [...words]);
    this.logger.log(
      `Customer erased by ${caller.ref}: ${caseIds.length} case(s), ${messages} message(s) rewritten`,
    );
    return {
      customerId,
      erasedAt,
      cases: caseIds.length,
      messagesRewritten: messages,
      /** false: the read models had not applied the erasure within 30 s; they will. */
      readModelsForgotten: forgotten,
      position: recorded.position,
    };
  }

  /** Messages keyed by the customer or about their cases, with their words replaced. */
  private async rewriteMessages(customerId: string, caseIds: string[], words: string[]) {
    if (words.length === 0) return 0;
    // Longest first: a word inside a longer one must not split it.
    const ordered = [...words].sort((a, b) => b.length - a.length);
    return this.reads.transaction(async (tx) => {
      const rows = await tx.query<{ seq: number; data: string }>(
        `SELECT seq, data FROM outbound_messages WHERE msg_key = ?${caseIds
          .map(() => ' OR subject = ? OR data LIKE ?')
          .join('')}`,
        [customerId, ...caseIds.flatMap((id) => [streamIds.case(id), `%"${id}"%`])],
      );
      let rewritten = 0;
      for (const row of rows) {
        const data = JSON.stringify(withoutWords(JSON.parse(row.data), ordered));
        if (data === row.data) continue;
        await tx.execute('UPDATE outbound_messages SET data = ? WHERE seq = ?', [data, row.seq]);
        rewritten += 1;
      }
      return rewritten;
    });
  }
}
