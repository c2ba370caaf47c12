import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OpenRoute, OpsRoute } from '../http/access-control';
import { HealthWatch } from '@heard/ops';
import { Metrics } from '@heard/ops';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';

@ApiTags('ops')
@Controller()
export class OpsController {
  constructor(
    private readonly watch: HealthWatch,
    private readonly metrics: Metrics,
  ) {}

  /** The summary: every part and its figures; 200 while heard serves, `status` says ok or degraded. */
  @Get('health')
  @OpsRoute()
  @Answers('Health', 200, 'status ok or degraded, the degraded parts named, every part')
  health(): Promise<HeardAnswers['Health']> {
    return this.watch.report();
  }

  /** Liveness: the process answers. Restart it only when this fails. */
  @Get('health/live')
  @OpenRoute()
  live() {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 when every part works, 503 naming the parts that are stalled or down. Open
   * to probes from anywhere, so it names parts only; /health has their figures.
   */
  @Get('health/ready')
  @OpenRoute()
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const { status, degraded } = await this.watch.report();
    if (status !== 'ok') void reply.status(503);
    return { status, degraded };
  }

  @Get('metrics')
  @OpsRoute()
  @ApiExcludeEndpoint()
  async metricsText(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const text = await this.metrics.registry.metrics();
    void reply.header('Content-Type', this.metrics.registry.contentType);
    return text;
  }
}
