import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { HEARD_CONFIG, markRunning, type HeardConfig } from '@heard/config';
import { EVENT_STORE, SqliteEventStore, type EventStore } from '@heard/event-store';
import {
  defaultProjections,
  ProjectionRunner,
  READ_STORE,
  SqliteReadStore,
  type ReadStore,
} from '@heard/projections';
import { AggregateStateCache } from './commands/aggregate-state-cache';
import { BatchController } from './commands/batch.controller';
import { CommandGateway } from './commands/command-gateway';
import {
  CasesController,
  ChangesAndIncidentsController,
  IssuesController,
} from './commands/commands.controllers';
import { ExecuteDomainCommandHandler } from './commands/execute-domain-command';
import { Metrics } from './ops/metrics';
import { OpsController } from './ops/ops.controller';
import { QueriesController } from './queries/queries.controller';

const openEventStore = (config: HeardConfig): EventStore => {
  if (config.eventStore.kind === 'sqlite') return new SqliteEventStore(config.eventStore.file);
  throw new Error(`HEARD_EVENT_STORE: the ${config.eventStore.kind} adapter is not built yet`);
};
const openReadStore = (config: HeardConfig): ReadStore => {
  if (config.readStore.kind === 'sqlite') return new SqliteReadStore(config.readStore.file);
  throw new Error(`HEARD_READ_STORE: the ${config.readStore.kind} adapter is not built yet`);
};

/** Starts the projections with the app, and closes everything in order when it stops. */
@Injectable()
class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('heard');
  private unmark?: () => void;

  constructor(
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly runner: ProjectionRunner,
    private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap() {
    this.metrics.gauge(
      'heard_event_store_head_position',
      'Global position of the newest event',
      [],
      async (set) => set({}, await this.events.headPosition()),
    );
    this.metrics.gauge(
      'heard_projection_position',
      'Store position each projection has applied',
      ['projection'],
      (set) => {
        for (const p of this.runner.status()) set({ projection: p.name }, p.position);
      },
    );
    this.unmark = markRunning(this.config.dataDir);
    await this.runner.start();
    this.logger.log(
      `Projections following the store: ${this.runner
        .status()
        .map((p) => `${p.name}@${p.position}`)
        .join(', ')}`,
    );
  }

  // After the HTTP server closed: no request can reach a closed store.
  async onApplicationShutdown() {
    await this.runner.stop();
    await this.reads.close();
    await this.events.close();
    this.unmark?.();
  }
}

@Module({})
export class HeardModule {
  static forRoot(config: HeardConfig): DynamicModule {
    return {
      module: HeardModule,
      imports: [CqrsModule.forRoot(), TerminusModule],
      controllers: [
        CasesController,
        IssuesController,
        ChangesAndIncidentsController,
        BatchController,
        QueriesController,
        OpsController,
      ],
      providers: [
        { provide: HEARD_CONFIG, useValue: config },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        { provide: READ_STORE, useFactory: () => openReadStore(config) },
        {
          provide: ProjectionRunner,
          inject: [EVENT_STORE, READ_STORE],
          useFactory: (events: EventStore, reads: ReadStore) => {
            const logger = new Logger('projections');
            return new ProjectionRunner(events, reads, defaultProjections(), {
              log: (m) => logger.log(m),
              error: (m, e) => logger.error(m, e instanceof Error ? e.stack : String(e)),
            });
          },
        },
        Metrics,
        AggregateStateCache,
        CommandGateway,
        ExecuteDomainCommandHandler,
        Lifecycle,
      ],
      exports: [CommandGateway, ProjectionRunner, EVENT_STORE, READ_STORE, Metrics, HEARD_CONFIG],
    };
  }
}
