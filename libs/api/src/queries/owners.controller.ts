import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Forbidden } from '@heard/commands';
import { ProjectionRunner, readOwnerAlerts } from '@heard/projections';
import { READ_STORE, type ReadStore } from '@heard/read-store';
import type { Principal } from '@heard/security';
import { Allow, Caller } from '../http/access-control';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';
import { QueryReader, waitForPosition, type QueryParams } from './query-reader';

/** What an account's sales owner (or success manager) is told: their hot accounts. */
@ApiTags('accounts')
@Controller('owners')
export class OwnersController {
  constructor(
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get(':ownerId/alerts')
  @Allow('sales', 'supervisor')
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 100' })
  @ApiQuery({ name: 'minPosition', required: false })
  @Answers('OwnerAlerts')
  async alerts(
    @Param('ownerId') ownerId: string,
    @Query() query: QueryParams,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Caller() caller: Principal,
  ): Promise<HeardAnswers['OwnerAlerts']> {
    // A sales key or token is one owner (its name, or the token's subject): it reads its own.
    const seesAll = caller.roles.some((r) => r === 'supervisor' || r === 'admin');
    if (!seesAll && caller.id !== ownerId)
      throw new Forbidden(
        `${caller.id} is a sales owner and reads its own alerts (GET /owners/${caller.id}/alerts); supervisors and admins read any owner's`,
        ['supervisor', 'admin'],
        'owner.not_yours',
      );
    const q = new QueryReader(query);
    const limit = q.int('limit', 1, 500, 100);
    const wait = q.position(this.runner);
    q.done();
    await waitForPosition(this.runner, wait, reply);
    return readOwnerAlerts(this.reads, ownerId, limit);
  }
}
