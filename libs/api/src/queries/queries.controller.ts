import { Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  caseDecider,
  caseRules,
  DomainRuleViolation,
  streamIds,
  type CaseEvent,
} from '@heard/domain';
import { EVENT_STORE, type EventStore } from '@heard/event-store';
import {
  ProjectionRunner,
  decodeCursor,
  findCaseView,
  findCustomers,
  readTimeline,
  TIMELINE_ORDERS,
} from '@heard/projections';
import { READ_STORE, type ReadStore } from '@heard/read-store';
import { ValidationFailed, type FieldError, parseDayOrInstant } from '@heard/commands';
import { QueryReader, waitForPosition, type QueryParams } from './query-reader';
import { Allow } from '../http/access-control';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';

/** Who reads cases, their audit trails and customers' timelines: agents and supervisors. */
const CASE_READERS = ['agent', 'supervisor'] as const;

@ApiTags('queries')
@Controller()
export class QueriesController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get('cases/:caseId')
  @Allow(...CASE_READERS)
  @ApiQuery({
    name: 'asOf',
    required: false,
    description: 'ISO 8601: the case as it stood then (business time of its events)',
  })
  @ApiQuery({
    name: 'minPosition',
    required: false,
    description:
      'Wait (up to 5 s) until read models include this store position, as returned by a write',
  })
  @Answers('Case')
  async getCase(
    @Param('caseId') caseId: string,
    @Query('asOf') asOf: string | undefined,
    @Query('minPosition') minPosition: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HeardAnswers['Case']> {
    const problems: FieldError[] = [];
    const asOfTime = asOf === undefined ? undefined : parseDayOrInstant(asOf);
    if (asOf !== undefined && asOfTime === undefined)
      problems.push({
        field: 'asOf',
        rules: {
          isIso8601:
            'asOf must be an ISO 8601 day (2026-03-01) or instant with its offset (2026-03-01T09:30:00Z) that exists',
        },
      });
    const positions = new QueryReader({ minPosition });
    const wait = positions.position(this.runner);
    problems.push(...positions.problems);
    if (problems.length) throw new ValidationFailed(problems, 'query');

    if (asOfTime !== undefined) {
      // The past is folded from the store itself, with the same evolve as the live view.
      const events = (await this.events.readStream(streamIds.case(caseId))).filter(
        (e) => Date.parse(e.metadata.occurredAt) <= asOfTime,
      );
      if (events.length === 0)
        throw new DomainRuleViolation(
          caseRules.notFound,
          'not_found',
          `Case ${caseId} did not exist at ${asOf}`,
        );
      const state = events.reduce(
        (s, e) => caseDecider.evolve(s, { type: e.type, data: e.data } as CaseEvent),
        caseDecider.initialState(),
      );
      return {
        ...state,
        revision: events[events.length - 1]!.revision,
        asOf: new Date(asOfTime).toISOString(),
      };
    }
    await waitForPosition(this.runner, wait, reply);
    const view = await findCaseView(this.reads, caseId);
    if (!view)
      throw new DomainRuleViolation(
        caseRules.notFound,
        'not_found',
        `Case ${caseId} does not exist`,
      );
    return view;
  }

  /** The audit trail: every event of the case as the store recorded it, with its metadata. */
  @Get('cases/:caseId/events')
  @Allow(...CASE_READERS)
  @Answers('CaseAuditTrail')
  async getCaseEvents(@Param('caseId') caseId: string): Promise<HeardAnswers['CaseAuditTrail']> {
    const events = await this.events.readStream(streamIds.case(caseId));
    if (events.length === 0)
      throw new DomainRuleViolation(
        caseRules.notFound,
        'not_found',
        `Case ${caseId} does not exist`,
      );
    return {
      caseId,
      events: events.map((e) => ({
        revision: e.revision,
        position: e.position,
        type: e.type,
        occurredAt: e.metadata.occurredAt,
        recordedAt: e.metadata.recordedAt,
        actor: e.metadata.actor,
        eventId: e.metadata.eventId,
        commandId: e.metadata.commandId,
        correlationId: e.metadata.correlationId,
        causationId: e.metadata.causationId,
        schemaVersion: e.metadata.schemaVersion,
        data: e.data,
      })),
    };
  }

  @Get('customers')
  @Allow(...CASE_READERS)
  @ApiQuery({
    name: 'search',
    required: true,
    description: 'a customer id, an account id or a case id (exact)',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100, default 20' })
  @Answers('CustomerSearch')
  async searchCustomers(@Query() query: QueryParams): Promise<HeardAnswers['CustomerSearch']> {
    const q = new QueryReader(query);
    const term = q.text('search');
    if (!term) q.problems.push({ field: 'search', rules: { isNotEmpty: 'search is required' } });
    const limit = q.int('limit', 1, 100, 20);
    q.done();
    return { search: term!, customers: await findCustomers(this.reads, term!, limit) };
  }

  @Get('customers/:customerId/timeline')
  @Allow(...CASE_READERS)
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 50' })
  @ApiQuery({
    name: 'order',
    required: false,
    enum: TIMELINE_ORDERS,
    description:
      'occurred (default): newest first by when things happened; recorded: newest first as the store recorded them (a contact logged late comes first)',
  })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('Timeline')
  async getTimeline(
    @Param('customerId') customerId: string,
    @Query('limit') limit: string | undefined,
    @Query('order') order: string | undefined,
    @Query('cursor') cursor: string | undefined,
    @Query('minPosition') minPosition: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HeardAnswers['Timeline']> {
    const q = new QueryReader({ limit, order, cursor, minPosition });
    const size = q.int('limit', 1, 200, 50);
    const ordered = q.oneOf('order', TIMELINE_ORDERS) ?? 'occurred';
    const decoded = cursor === undefined ? undefined : decodeCursor(cursor);
    const position = decoded && this.runner.parsePosition(decoded.position);
    if (cursor !== undefined && (position === undefined || decoded?.order !== ordered))
      q.problems.push({
        field: 'cursor',
        rules: { isCursor: 'cursor must be a nextCursor this route returned for the same order' },
      });
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    const page = await readTimeline(this.reads, customerId, {
      limit: size,
      order: ordered,
      ...(decoded && position !== undefined ? { after: { ...decoded, position } } : {}),
    });
    if (!page) throw new NotFoundException(`No history for customer ${customerId}`);
    return page;
  }
}
