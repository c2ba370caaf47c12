import { ReportThread } from './report-thread';
import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import { caseRules, DomainRuleViolation, streamIds } from '@heard/domain';
import { EVENT_STORE, later, START, type Checkpoint, type EventStore } from '@heard/event-store';
import { DEFAULT_CANDIDATE_OPTIONS, type CandidateIssue } from '@heard/projections';
import { READ_STORE, type ReadStore } from '@heard/read-store';
import { CommandGateway, AcceptCandidateDto, validateBody } from '@heard/commands';
import { Allow } from '../http/access-control';
import { contextFromRequest } from '../http/command-context';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';

/** A key for one step of an acceptance: a retried acceptance repeats no step. */
const stepKey = (base: string, step: string) =>
  `acc-${createHash('sha256').update(`${base}\n${step}`).digest('hex').slice(0, 40)}`;

/**
 * A product team accepts a candidate issue: the issue is identified (unless it exists) and every
 * case of the candidate is linked to it, retroactively, through the same commands as any
 * client, so that the customers hear when its fix ships.
 */
@ApiTags('reports')
@Controller('candidate-issues')
export class CandidateAcceptanceController {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly reportThread: ReportThread,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  @Post(':candidateId/acceptance')
  @HttpCode(201)
  @ApiBody({ type: AcceptCandidateDto, required: false })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @Allow('product')
  @Answers('CandidateAcceptance', 201)
  async accept(
    @Param('candidateId') candidateId: string,
    @Body() raw: unknown,
    @Req() request: FastifyRequest,
  ): Promise<HeardAnswers['CandidateAcceptance']> {
    const body = validateBody(AcceptCandidateDto, raw);
    const context = contextFromRequest(request);
    const candidate = await this.find(candidateId);
    const caseIds = body.caseIds ?? candidate?.caseIds;
    if (!caseIds)
      throw new DomainRuleViolation(
        'candidate.not_found',
        'not_found',
        `No candidate issue ${candidateId} now (its cases may be linked already); pass caseIds to accept a list`,
      );
    const issueId = body.issueId ?? `issue-${candidateId.replace(/^cand-/, '')}`;
    const base = context.idempotencyKey ?? `${candidateId}\n${issueId}`;

    // The latest position written or replayed: pass it as minPosition to read the links.
    let position: Checkpoint = START;
    let created = false;
    if ((await this.events.readStream(streamIds.issue(issueId))).length === 0) {
      const product = candidate?.product;
      if (!product)
        throw new DomainRuleViolation(
          'candidate.not_found',
          'not_found',
          `Issue ${issueId} does not exist and candidate ${candidateId} is gone; name an existing issueId`,
        );
      const receipt = await this.gateway.execute(
        'IdentifyIssue',
        {},
        {
          issueId,
          title: body.title ?? candidate.title,
          product,
          category: body.category ?? candidate.category,
          description:
            body.description ??
            `Accepted from candidate ${candidateId}: ${candidate.cases} cases, ${candidate.customers} customers; keywords ${candidate.keywords.join(', ')}`,
        },
        { ...context, idempotencyKey: stepKey(base, 'identify') },
      );
      created = !receipt.replayed;
      position = later(position, receipt.position);
    }

    const linked: string[] = [];
    const alreadyLinked: string[] = [];
    const notFound: string[] = [];
    for (const caseId of caseIds) {
      try {
        const receipt = await this.gateway.execute(
          'LinkCaseToIssue',
          { caseId },
          { issueId },
          { ...context, idempotencyKey: stepKey(base, `link ${caseId}`) },
        );
        (receipt.replayed ? alreadyLinked : linked).push(caseId);
        position = later(position, receipt.position);
      } catch (error) {
        if (error instanceof DomainRuleViolation && error.rule === caseRules.alreadyLinked)
          alreadyLinked.push(caseId);
        else if (error instanceof DomainRuleViolation && error.rule === caseRules.notFound)
          notFound.push(caseId);
        else throw error;
      }
    }
    return {
      candidateId,
      issueId,
      created,
      linked,
      alreadyLinked,
      notFound,
      ...(position === START ? {} : { position }),
    };
  }

  private async find(candidateId: string): Promise<CandidateIssue | undefined> {
    const { candidates } = await this.reportThread.candidateIssues(DEFAULT_CANDIDATE_OPTIONS);
    return candidates.find((c) => c.candidateId === candidateId);
  }
}
