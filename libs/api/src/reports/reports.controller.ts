import { ReportThread } from './report-thread';
import { Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import { ValidationFailed } from '@heard/commands';
import { KPI_NAMES } from '@heard/domain';
import {
  DEFAULT_CANDIDATE_OPTIONS,
  findCandidateIssues,
  KPI_DIMENSIONS,
  ProjectionRunner,
  readChangeImpact,
  readChanges,
  readGroupCustomers,
  kpiDefinitionsFor,
  readKpis,
  readRecurringIssues,
  slaFigures,
  UnknownKpiDefinition,
  RECURRING_SORTS,
  RECURRING_STATUSES,
} from '@heard/projections';
import { READ_STORE, type ReadStore } from '@heard/read-store';
import { QueryReader, waitForPosition, type QueryParams } from '../queries/query-reader';
import { Pseudonyms, type Principal } from '@heard/security';
import { Allow, Caller, shownTo } from '../http/access-control';
import { CsvTable } from './csv';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';

type Answer<F extends (...args: never[]) => unknown> = NonNullable<Awaited<ReturnType<F>>>;

/** What product teams and analysts read: recurring issues, candidates, change impact, KPIs. */
@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    @Inject(READ_STORE) private readonly reads: ReadStore,
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
    private readonly runner: ProjectionRunner,
    private readonly pseudonyms: Pseudonyms,
    private readonly reportThread: ReportThread,
  ) {}

  @Get('recurring-issues')
  @CsvTable((r: Answer<typeof readRecurringIssues>) => r.groups, 'recurring-issues')
  @Allow('product', 'supervisor', 'analyst')
  @ApiQuery({ name: 'product', required: false })
  @ApiQuery({ name: 'category', required: false })
  @ApiQuery({ name: 'kind', required: false, enum: ['issue', 'unlinked'] })
  @ApiQuery({ name: 'status', required: false, enum: RECURRING_STATUSES })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'YYYY-MM-DD; default: 27 days before `to`',
  })
  @ApiQuery({
    name: 'to',
    required: false,
    description: 'YYYY-MM-DD, the trend’s day of reference; default: the newest business day seen',
  })
  @ApiQuery({ name: 'sort', required: false, enum: RECURRING_SORTS })
  @ApiQuery({
    name: 'currency',
    required: false,
    description:
      'ISO 4217 code `sort=revenue` ranks by (amounts are never converted); default: the currency most revenue at stake is in',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 50' })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('RecurringIssues')
  async recurringIssues(
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HeardAnswers['RecurringIssues']> {
    const q = new QueryReader(query);
    const filter = {
      product: q.text('product'),
      category: q.text('category'),
      kind: q.oneOf('kind', ['issue', 'unlinked'] as const),
      status: q.oneOf('status', RECURRING_STATUSES),
      from: q.day('from'),
      to: q.day('to'),
      sort: q.oneOf('sort', RECURRING_SORTS),
      currency: q.text('currency')?.toUpperCase(),
      limit: q.int('limit', 1, 500, 50),
    };
    if (filter.currency !== undefined && !/^[A-Z]{3}$/.test(filter.currency))
      q.problems.push({
        field: 'currency',
        rules: { isISO4217CurrencyCode: 'currency must be an ISO 4217 code such as EUR' },
      });
    if (filter.from && filter.to && filter.from > filter.to)
      q.problems.push({ field: 'from', rules: { order: 'from must not be after to' } });
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    return readRecurringIssues(this.reads, this.config.spikeRule, filter);
  }

  @Get('recurring-issues/customers')
  @CsvTable((r: { customers: object[] }) => r.customers, 'recurring-issue-customers')
  @Allow('product', 'supervisor', 'analyst')
  @ApiQuery({
    name: 'group',
    required: true,
    description: 'A `group` of the recurring-issue report',
  })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('RecurringIssueCustomers')
  async recurringIssueCustomers(
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Caller() caller: Principal,
  ): Promise<HeardAnswers['RecurringIssueCustomers']> {
    const q = new QueryReader(query);
    const group = q.text('group', 400);
    if (!group) q.problems.push({ field: 'group', rules: { isNotEmpty: 'group is required' } });
    const period = { from: q.day('from'), to: q.day('to') };
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    const customers = await readGroupCustomers(this.reads, group!, period);
    if (!customers) throw new NotFoundException(`No recurring issue ${group}`);
    return shownTo(caller, this.pseudonyms, { group: group!, ...period, customers });
  }

  @Get('candidate-issues')
  @CsvTable((r: Answer<typeof findCandidateIssues>) => r.candidates, 'candidate-issues')
  @Allow('product', 'supervisor')
  @ApiQuery({ name: 'product', required: false })
  @ApiQuery({
    name: 'days',
    required: false,
    description: 'cases opened in the last N days (1 to 365, default 90)',
  })
  @ApiQuery({ name: 'minCases', required: false, description: '2 to 10000, default 5' })
  @ApiQuery({ name: 'similarity', required: false, description: '0.1 to 0.95, default 0.5' })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('CandidateIssues')
  async candidateIssues(
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HeardAnswers['CandidateIssues']> {
    const q = new QueryReader(query);
    const options = {
      product: q.text('product'),
      days: q.int('days', 1, 365, DEFAULT_CANDIDATE_OPTIONS.days),
      minCases: q.int('minCases', 2, 10_000, DEFAULT_CANDIDATE_OPTIONS.minCases),
      similarity: q.decimal('similarity', 0.1, 0.95, DEFAULT_CANDIDATE_OPTIONS.similarity),
    };
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    return this.reportThread.candidateIssues(options);
  }

  @Get('changes')
  @Allow('analyst', 'supervisor', 'product')
  @CsvTable((r: { changes: object[] }) => r.changes, 'changes')
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 100' })
  @Answers('Changes')
  async changes(@Query() query: QueryParams): Promise<HeardAnswers['Changes']> {
    const q = new QueryReader(query);
    const limit = q.int('limit', 1, 500, 100);
    q.done();
    return { changes: await readChanges(this.reads, limit) };
  }

  @Get('change-impact/:changeId')
  @CsvTable((r: Answer<typeof readChangeImpact>) => r.byCategoryAndChannel, 'change-impact')
  @Allow('analyst', 'supervisor', 'product')
  @ApiQuery({
    name: 'days',
    required: false,
    description: 'window on each side, 1 to 90 days, default 14',
  })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('ChangeImpact')
  async changeImpact(
    @Param('changeId') changeId: string,
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HeardAnswers['ChangeImpact']> {
    const q = new QueryReader(query);
    const days = q.int('days', 1, 90, 14);
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    const impact = await readChangeImpact(this.reads, changeId, days);
    if (!impact) throw new NotFoundException(`Change ${changeId} was never announced`);
    return impact;
  }

  @Get('kpis')
  // Each row names the definitions it was computed with: a spreadsheet keeps them.
  @CsvTable(
    (r: Answer<typeof readKpis>) =>
      r.rows.map((row) => ({ ...row, definitions: definitionLabels(r.definitions) })),
    'kpis',
  )
  @Allow('analyst', 'supervisor')
  @ApiQuery({ name: 'by', required: false, enum: KPI_DIMENSIONS, description: 'default week' })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'cases opened from this day (YYYY-MM-DD)',
  })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'product', required: false })
  @ApiQuery({
    name: 'definition',
    required: false,
    description:
      'read these versions of the KPI definitions instead of the newest: name@version, comma-separated (first_contact_resolution@1)',
  })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('Kpis')
  async kpis(
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HeardAnswers['Kpis']> {
    const q = new QueryReader(query);
    const options = {
      by: q.oneOf('by', KPI_DIMENSIONS) ?? 'week',
      from: q.day('from'),
      to: q.day('to'),
      product: q.text('product'),
    };
    const asked = kpiVersionsAsked(q);
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    const definitions = await kpiDefinitionsFor(this.reads, asked).catch((error: unknown) => {
      if (!(error instanceof UnknownKpiDefinition)) throw error;
      throw new ValidationFailed(
        [{ field: 'definition', rules: { exists: error.message } }],
        'query',
      );
    });
    return {
      ...(await readKpis(this.reads, { ...options, definitions })),
      // Targets and promises of the period (clocks started, promises due), whatever the product.
      sla: await slaFigures(this.reads, { from: options.from, to: options.to }),
    };
  }
}

/** `?definition=first_contact_resolution@1,reopen_rate@2`: one version per KPI at most. */
const kpiVersionsAsked = (q: QueryReader): Array<{ kpi: string; version: number }> => {
  const raw = q.text('definition', 1000);
  if (raw === undefined) return [];
  const asked = raw.split(',').map((part) => /^([a-z_]+)@(\d{1,9})$/.exec(part.trim()));
  const kpis = asked.map((m) => m?.[1]);
  if (
    asked.some((m) => !m || !(KPI_NAMES as readonly string[]).includes(m[1]!)) ||
    new Set(kpis).size !== kpis.length
  ) {
    q.problems.push({
      field: 'definition',
      rules: {
        matches: `definition must be name@version, comma-separated, one per KPI; the KPIs: ${KPI_NAMES.join(', ')}`,
      },
    });
    return [];
  }
  return asked.map((m) => ({ kpi: m![1]!, version: Number(m![2]) }));
};

const definitionLabels = (definitions: ReadonlyArray<{ kpi: string; version: number }>) =>
  definitions.map((d) => `${d.kpi}@${d.version}`).join(' ');
