import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { listSlaPolicies, ProjectionRunner, slaReport } from '@heard/projections';
import { READ_STORE, type ReadStore } from '@heard/read-store';
import { Pseudonyms, type Principal } from '@heard/security';
import { QueryReader, waitForPosition, type QueryParams } from '../queries/query-reader';
import { Allow, Caller, shownTo } from '../http/access-control';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';
import { CsvTable } from './csv';

/** SLA policies (`PUT /sla-policies/:policyId` adds a version) and the supervisors' queue. */
@ApiTags('sla policies')
@Controller()
export class SlaController {
  constructor(
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly runner: ProjectionRunner,
    private readonly pseudonyms: Pseudonyms,
  ) {}

  @Get('sla-policies')
  @Allow('supervisor', 'analyst', 'agent')
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('SlaPolicies')
  async policies(
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HeardAnswers['SlaPolicies']> {
    const q = new QueryReader(query);
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    return listSlaPolicies(this.reads);
  }

  @Get('reports/sla')
  @CsvTable((r: HeardAnswers['SlaReport']) => r.cases, 'sla')
  @Allow('supervisor', 'agent', 'analyst')
  @ApiQuery({ name: 'team', required: false, description: 'the team holding the case' })
  @ApiQuery({ name: 'agentId', required: false, description: 'the agent holding the case' })
  @ApiQuery({ name: 'policyId', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 200' })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('SlaReport')
  async report(
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Caller() caller: Principal,
  ): Promise<HeardAnswers['SlaReport']> {
    const q = new QueryReader(query);
    const filter = {
      team: q.text('team'),
      agentId: q.text('agentId'),
      policyId: q.text('policyId'),
      limit: q.int('limit', 1, 1000, 200),
    };
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    return shownTo(
      caller,
      this.pseudonyms,
      await slaReport(this.reads, { ...filter, now: Date.now() }),
    );
  }
}
