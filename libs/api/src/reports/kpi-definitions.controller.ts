import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { readKpiDefinitions } from '@heard/projections';
import { READ_STORE, type ReadStore } from '@heard/read-store';
import { Allow } from '../http/access-control';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';

/** The outcome KPIs' definitions, every version (`PUT /kpi-definitions/:kpi` adds one). */
@ApiTags('kpi definitions')
@Controller('kpi-definitions')
export class KpiDefinitionsController {
  constructor(@Inject(READ_STORE) private readonly reads: ReadStore) {}

  @Get()
  @Allow('analyst', 'supervisor')
  @Answers('KpiDefinitions')
  async list(): Promise<HeardAnswers['KpiDefinitions']> {
    const all = await readKpiDefinitions(this.reads);
    // The newest of each KPI is read unless a report asks for another.
    const newest = new Map(all.map((d) => [d.kpi, d.version]));
    return { definitions: all.map((d) => ({ ...d, current: newest.get(d.kpi) === d.version })) };
  }
}
