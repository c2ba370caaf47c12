import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '@heard/event-store';
import { ProjectionRunner, READ_STORE, type ReadStore } from '@heard/projections';
import { EventPublisher, MESSAGE_TRANSPORT, type MessageTransport } from '@heard/messaging';
import { Metrics } from './metrics';

@ApiTags('ops')
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly runner: ProjectionRunner,
    private readonly metrics: Metrics,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    private readonly publisher: EventPublisher,
  ) {}

  /** Up when both stores answer and every projection is following the store. */
  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([
      async () => {
        const check = this.indicators.check('event_store');
        try {
          return check.up({ headPosition: await this.events.headPosition() });
        } catch (error) {
          return check.down({ message: (error as Error).message });
        }
      },
      async () => {
        const check = this.indicators.check('read_store');
        try {
          await this.reads.query('SELECT 1 AS ok');
          return check.up();
        } catch (error) {
          return check.down({ message: (error as Error).message });
        }
      },
      async () => {
        const check = this.indicators.check('projections');
        const head = await this.events.headPosition();
        const projections = this.runner.status().map((p) => ({ ...p, lag: head - p.position }));
        return projections.every((p) => p.running)
          ? check.up({ projections })
          : check.down({ projections });
      },
      async () => {
        const check = this.indicators.check('messaging');
        const broker = await this.transport.check();
        const publisher = this.publisher.status();
        const detail = {
          transport: this.transport.kind,
          broker: broker.detail,
          ...(this.transport.kind === 'kafka'
            ? {
                publisher: {
                  ...publisher,
                  lag: (await this.events.headPosition()) - publisher.position,
                },
              }
            : {}),
        };
        return broker.up ? check.up(detail) : check.down(detail);
      },
    ]);
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
