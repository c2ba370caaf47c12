import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  decodeFollowUpCursor,
  FOLLOW_UP_STATUSES,
  ProjectionRunner,
  fixAwaitingOf,
  readFixNoticeAudience,
  readIssueDemand,
  readTrackerLinks,
  readFollowUps,
} from '@heard/projections';
import { OUTBOUND_TOPICS, READ_STORE, readOutbound, type ReadStore } from '@heard/read-store';
import { QueryReader, waitForPosition, type QueryParams } from '../queries/query-reader';
import { Pseudonyms, type Principal } from '@heard/security';
import { Allow, Caller, refuseCustomerFilters, shownTo } from '../http/access-control';
import { CsvTable } from './csv';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';

/** "You were heard": follow-ups, and every message heard sent (or will send) out. */
@ApiTags('follow-ups and messages')
@Controller()
export class FollowUpsController {
  constructor(
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly runner: ProjectionRunner,
    private readonly pseudonyms: Pseudonyms,
  ) {}

  @Get('follow-ups')
  @CsvTable((r: { followUps: object[] }) => r.followUps, 'follow-ups')
  @Allow('supervisor', 'analyst', 'agent', 'integration')
  @ApiQuery({
    name: 'status',
    required: false,
    enum: FOLLOW_UP_STATUSES,
    description:
      'scheduled: not due yet; due: due and not answered; sent: its trigger reached the follow-ups topic and it is not answered; completed; cancelled: the customer confirmed first or the case was reopened',
  })
  @ApiQuery({ name: 'customerId', required: false })
  @ApiQuery({ name: 'caseId', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 100' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('FollowUps')
  async followUps(
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Caller() caller: Principal,
  ): Promise<HeardAnswers['FollowUps']> {
    const q = new QueryReader(query);
    refuseCustomerFilters(caller, query, ['customerId']);
    const status = q.oneOf('status', FOLLOW_UP_STATUSES);
    const cursor = q.text('cursor', 1000);
    const after = cursor === undefined ? undefined : decodeFollowUpCursor(cursor);
    if (cursor !== undefined && !after)
      q.problems.push({
        field: 'cursor',
        rules: { isCursor: 'cursor must be a nextCursor returned by this route' },
      });
    const options = {
      status,
      customerId: q.text('customerId'),
      caseId: q.text('caseId'),
      limit: q.int('limit', 1, 500, 100),
      after,
      nowMs: Date.now(),
    };
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    return shownTo(caller, this.pseudonyms, await readFollowUps(this.reads, options));
  }

  /**
   * How many customers a shipped fix of the issue would notify, before it is announced, and
   * how much revenue they stand for; its tracker links and any fix waiting on one.
   */
  @Get('issues/:issueId/fix-notice-audience')
  @Allow('product', 'supervisor')
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('FixNoticeAudience')
  async fixNoticeAudience(
    @Param('issueId') issueId: string,
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HeardAnswers['FixNoticeAudience']> {
    const q = new QueryReader(query);
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    const [audience, demand, links] = await Promise.all([
      readFixNoticeAudience(this.reads, issueId),
      readIssueDemand(this.reads, issueId),
      readTrackerLinks(this.reads, { issueId }),
    ]);
    return {
      ...audience,
      accounts: demand.accounts,
      tiers: demand.tiers,
      revenueAtStake: demand.revenueAtStake,
      fixAwaiting: fixAwaitingOf(links),
      trackerLinks: links,
    };
  }

  @Get('messages')
  @CsvTable((r: { messages: object[] }) => r.messages, 'messages')
  @Allow('analyst', 'supervisor', 'product')
  @ApiQuery({ name: 'topic', required: false, enum: OUTBOUND_TOPICS })
  @ApiQuery({ name: 'type', required: false, description: 'e.g. heard.notice.fix-shipped' })
  @ApiQuery({
    name: 'key',
    required: false,
    description: 'customer (follow-ups), account (alerts) or group (trends)',
  })
  @ApiQuery({
    name: 'subject',
    required: false,
    description: 'e.g. issue-<issueId>, case-<caseId>',
  })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'sent'] })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'seq of the last message read (paging)',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('Messages')
  async messages(
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Caller() caller: Principal,
  ): Promise<HeardAnswers['Messages']> {
    const q = new QueryReader(query);
    refuseCustomerFilters(caller, query, ['key']);
    // An account alert's subject is its account: a filter on it would confirm a guessed id.
    if (typeof query.subject === 'string' && query.subject.startsWith('account-'))
      refuseCustomerFilters(caller, query, ['subject']);
    const filter = {
      topic: q.oneOf('topic', OUTBOUND_TOPICS),
      type: q.text('type'),
      key: q.text('key'),
      subject: q.text('subject'),
      status: q.oneOf('status', ['pending', 'sent'] as const),
      after: q.int('after', 0, Number.MAX_SAFE_INTEGER, 0),
      limit: q.int('limit', 1, 1000, 100),
    };
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    const messages = await readOutbound(this.reads, filter);
    return shownTo(caller, this.pseudonyms, {
      messages,
      next: messages.length === filter.limit ? messages[messages.length - 1]!.seq : null,
    });
  }
}
