import { ReportThread } from './reports/report-thread';
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
import { inspect } from 'node:util';
import {
  ApiKeys,
  Authenticator,
  CustomerKeys,
  PersonalDataEventStore,
  refuseMissingCustomerKeys,
  Pseudonyms,
  resolveMasterKey,
} from '@heard/security';
import { HEARD_CONFIG, type DataFolderLock, type HeardConfig } from '@heard/config';
import { EVENT_STORE, openEventStore, SqliteEventStore, type EventStore } from '@heard/event-store';
import {
  defaultProjections,
  FollowUpScheduler,
  ProjectionRunner,
  projectionRules,
} from '@heard/projections';
import {
  LEASES,
  openLeases,
  openReadStore,
  READ_STORE,
  SqliteReadStore,
  type Leases,
  type ReadStore,
} from '@heard/read-store';
import {
  EventPublisher,
  InProcessTransport,
  OutboxRelay,
  KafkaTransport,
  MESSAGE_TRANSPORT,
  topicNames,
  type MessageTransport,
} from '@heard/messaging';
import { ThreadedProjectionRunner } from '@heard/projections-thread';
import { ThreadedEventPublisher, ThreadedOutboxRelay } from '@heard/projections-thread';
import { CommandIntake, INTAKE_METRICS } from '@heard/intake';
import { BatchController } from './commands/batch.controller';
import { CommandsController } from './commands/commands.controller';
import { AdminKeyBootstrap } from './admin/admin-key-bootstrap';
import { ApiKeysController } from './admin/api-keys.controller';
import { ErasureController } from './admin/erasure.controller';
import {
  AggregateStateCache,
  COMMAND_METRICS,
  CommandGateway,
  ExecuteDomainCommandHandler,
} from '@heard/commands';
import { HealthWatch } from '@heard/ops';
import { Metrics } from '@heard/ops';
import { OpsController } from './ops/ops.controller';
import { OpsListener } from './ops/ops-listener';
import { QueriesController } from './queries/queries.controller';
import { CandidateAcceptanceController } from './reports/candidate-acceptance.controller';
import { FollowUpsController } from './reports/follow-ups.controller';
import { ReportsController } from './reports/reports.controller';
import { TurnBudget } from './http/turn-budget';

/** The Kafka client of heard's config: the API thread's, and the projections thread's. */
const kafkaOptions = (config: HeardConfig) => ({
  brokers: config.kafkaBrokers,
  clientId: config.kafkaClientId,
  partitions: config.kafkaPartitions,
  replicationFactor: config.kafkaReplicationFactor,
  topics: topicNames(config.kafkaTopicPrefix),
});

/** The projections thread, when the relay and the publisher run in it (embedded, with Kafka). */
const outboundThread = (runner: ProjectionRunner) =>
  runner instanceof ThreadedProjectionRunner && runner.runsOutbound ? runner : undefined;

/** Kafka when brokers are configured (checked now: a broker that does not answer stops the start), else in-process. */
const openTransport = async (config: HeardConfig): Promise<MessageTransport> => {
  if (config.kafkaBrokers.length === 0) return new InProcessTransport();
  const logger = new Logger('kafka');
  const transport = new KafkaTransport({
    ...kafkaOptions(config),
    log: (level, message) => (level === 'error' ? logger.error(message) : logger.warn(message)),
  });
  await transport.connect();
  await transport.ensureTopics();
  return transport;
};

const DATA_FOLDER_LOCK = Symbol('DataFolderLock');
const MASTER_KEY = Symbol('MasterKey');
/**
 * Events per projection batch in the projections thread: one commit of the read models. A
 * batch holds the read store's write lock, which the API thread waits for (asleep) to make a
 * customer's key: small enough to keep that wait short.
 */
const PROJECTION_THREAD_BATCH = 500;

/** Starts the projections with the app, and closes everything in order when it stops. */
@Injectable()
class Lifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('heard');

  constructor(
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly runner: ProjectionRunner,
    private readonly metrics: Metrics,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    private readonly publisher: EventPublisher,
    private readonly intake: CommandIntake,
    private readonly relay: OutboxRelay,
    private readonly scheduler: FollowUpScheduler,
    private readonly watch: HealthWatch,
    @Inject(LEASES) private readonly leases: Leases,
    @Inject(DATA_FOLDER_LOCK) private readonly lock: DataFolderLock | null,
  ) {}
  private stopPoking?: () => void;
  private closing = false;

  async onApplicationBootstrap() {
    this.metrics.gauge(
      'heard_projection_lag_events',
      'Events recorded that each projection has not applied yet',
      ['projection'],
      async (set) => {
        for (const p of this.runner.status())
          set({ projection: p.name }, await this.events.countAfter(p.position));
      },
    );
    this.metrics.gauge(
      'heard_transport_messages',
      'Messages produced and consumed by this process so far',
      ['transport', 'direction'],
      (set) => {
        const stats = this.transport.stats();
        // What the projections thread's relay and publisher sent, when they run there.
        const inThread =
          this.runner instanceof ThreadedProjectionRunner
            ? (this.runner.outboundStatus()?.produced ?? 0)
            : 0;
        set({ transport: this.transport.kind, direction: 'produced' }, stats.produced + inThread);
        set({ transport: this.transport.kind, direction: 'consumed' }, stats.consumed);
      },
    );
    this.metrics.gauge(
      'heard_publisher_lag_events',
      'Events recorded and not yet published to heard.case-events (Kafka only)',
      [],
      async (set) => {
        if (this.transport.kind !== 'kafka') return;
        set({}, await this.events.countAfter(this.publisher.status().position));
      },
    );
    this.metrics.gauge(
      'heard_consumer_lag',
      'Messages not yet consumed, per consumer group and topic',
      ['group', 'topic'],
      async (set) => {
        if (this.config.kafkaIntakeConsumers === 0 || this.transport.kind !== 'kafka') return;
        try {
          set(
            {
              group: this.config.kafkaIntakeGroup,
              topic: topicNames(this.config.kafkaTopicPrefix).commands,
            },
            await this.transport.lag(
              this.config.kafkaIntakeGroup,
              topicNames(this.config.kafkaTopicPrefix).commands,
            ),
          );
        } catch {
          // The broker is down: /health says so; the gauge keeps its last value.
        }
      },
    );
    this.metrics.gauge(
      'heard_outbound_messages_relayed',
      'Trend, follow-up and alert messages this process sent to the outbound topics',
      [],
      (set) => set({}, this.relay.status().relayed),
    );
    this.metrics.gauge(
      'heard_outbound_pending',
      'Messages in the outbox not yet acknowledged by the transport',
      [],
      async (set) => {
        const [row] = await this.reads.query<{ n: number }>(
          'SELECT COUNT(*) AS n FROM outbound_messages WHERE sent_at IS NULL',
        );
        set({}, row?.n ?? 0);
      },
    );
    this.metrics.gauge(
      'heard_part_up',
      'Per part of heard: 1 when it works, 0 when it is stalled (work and no progress for HEARD_STALL_AFTER) or down',
      ['part'],
      async (set) => {
        const report = await this.watch.report();
        for (const [part, health] of Object.entries(report.parts))
          set({ part }, health.status === 'up' ? 1 : 0);
      },
    );
    await this.startRoles();
    this.logger.log(
      `Roles: ${this.config.roles.join(', ')}; projections ${this.runner
        .status()
        .map((p) => `${p.name}@${p.position}`)
        .join(', ')}`,
    );
  }

  /**
   * The roles of HEARD_ROLES. The single-active ones run under a lease each (this process's
   * at once on the embedded default; on PostgreSQL, one instance's at a time). A process
   * that does not run the projections follows their shared checkpoints (read-your-writes).
   */
  private async startRoles(): Promise<void> {
    const roles = new Set(this.config.roles);
    const kafka = this.transport.kind === 'kafka';
    if (roles.has('projections')) {
      await this.leases.run('projections', {
        start: () => this.runner.start(),
        // Lost to another instance: follow its checkpoints instead.
        stop: async () => {
          await this.runner.stop();
          if (!this.closing) await this.runner.observe();
        },
      });
      if (!this.holds('projections')) await this.runner.observe();
    } else await this.runner.observe();
    // Whatever a batch put in the outbox goes out now, not at the next tick (a relay in the
    // projections thread is poked there).
    if (!(this.relay instanceof ThreadedOutboxRelay))
      this.stopPoking = this.runner.onApplied(() => this.relay.poke());
    if (roles.has('relay')) await this.leases.run('relay', this.relay);
    if (roles.has('scheduler')) await this.leases.run('scheduler', this.scheduler);
    if (kafka && roles.has('publisher')) await this.leases.run('publisher', this.publisher);
    if (kafka && roles.has('intake') && this.config.kafkaIntakeConsumers > 0)
      await this.intake.start();
    if (kafka)
      this.logger.log(
        `Kafka: ${roles.has('publisher') ? `publishing every event to ${topicNames(this.config.kafkaTopicPrefix).caseEvents}` : 'not publishing here'}; ${roles.has('intake') ? `intake from ${topicNames(this.config.kafkaTopicPrefix).commands} (group ${this.config.kafkaIntakeGroup}, ${this.config.kafkaIntakeConsumers} consumer(s))` : 'no intake here'}; ${this.relay instanceof ThreadedOutboxRelay ? 'the relay and the publisher run in the projections thread' : 'the relay and the publisher run in this thread'}`,
      );
  }

  private holds(lease: string): boolean {
    return this.leases.status().some((l) => l.name === lease && l.held);
  }

  // After the HTTP server closed: no request can reach a closed store.
  async onApplicationShutdown() {
    this.closing = true;
    this.stopPoking?.();
    await this.intake.stop();
    // Stops the leased roles (relay, scheduler, publisher, projections) and lets go of them.
    await this.leases.close();
    await this.runner.stop();
    await this.transport.close();
    await this.reads.close();
    await this.events.close();
    this.lock?.release();
  }
}

@Module({})
export class HeardModule {
  /**
   * `lock`: the data folder, taken by the caller before anything opens a store in it.
   * `turns`: the HTTP guards' turn budget, shared with the batch route's items.
   */
  static forRoot(
    config: HeardConfig,
    lock: DataFolderLock | undefined,
    turns: TurnBudget,
  ): DynamicModule {
    return {
      module: HeardModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        CommandsController,
        BatchController,
        QueriesController,
        ReportsController,
        FollowUpsController,
        CandidateAcceptanceController,
        OpsController,
        ApiKeysController,
        ErasureController,
      ],
      providers: [
        { provide: HEARD_CONFIG, useValue: config },
        { provide: DATA_FOLDER_LOCK, useValue: lock ?? null },
        { provide: TurnBudget, useValue: turns },
        // Read (or made, on the embedded default) at start: a missing shared key stops it here.
        { provide: MASTER_KEY, useFactory: () => resolveMasterKey(config) },
        {
          provide: CustomerKeys,
          inject: [READ_STORE, MASTER_KEY],
          useFactory: async (reads: ReadStore, masterKey: Buffer) => {
            const keys = new CustomerKeys(reads, masterKey);
            await keys.check();
            return keys;
          },
        },
        // Every part of heard reads and writes events through it: customers' words sealed.
        {
          provide: EVENT_STORE,
          inject: [CustomerKeys],
          useFactory: async (keys: CustomerKeys) => {
            const events = await openEventStore(config.eventStore);
            // Sealed words without their keys would read as [erased] for good: refuse, naming why.
            await refuseMissingCustomerKeys(events, keys).catch(async (error: unknown) => {
              await events.close();
              throw error;
            });
            return new PersonalDataEventStore(events, keys);
          },
        },
        { provide: READ_STORE, useFactory: () => openReadStore(config.readStore) },
        {
          provide: ReportThread,
          inject: [READ_STORE],
          useFactory: (reads: ReadStore) => new ReportThread(config.readStore, reads),
        },
        {
          provide: ProjectionRunner,
          inject: [EVENT_STORE, READ_STORE, MASTER_KEY],
          useFactory: (events: EventStore, reads: ReadStore, masterKey: Buffer) => {
            const logger = new Logger('projections');
            const runnerLogger = {
              log: (m: string) => logger.log(m),
              error: (m: string, e?: unknown) =>
                logger.error(m, e instanceof Error ? e.stack : e === undefined ? '' : inspect(e)),
            };
            const rules = projectionRules(config);
            const appended = events instanceof PersonalDataEventStore ? events.inner : events;
            // Both stores are files of this machine: the projections get a thread of their own.
            if (
              config.projectionsThread &&
              appended instanceof SqliteEventStore &&
              appended.file !== ':memory:' &&
              reads instanceof SqliteReadStore
            )
              return new ThreadedProjectionRunner(
                events,
                reads,
                defaultProjections(rules),
                runnerLogger,
                {
                  eventStoreFile: appended.file,
                  readStoreFile: reads.file,
                  readStoreWriteGate: reads.writeGate,
                  masterKey: new Uint8Array(masterKey),
                  rules,
                  batchSize: PROJECTION_THREAD_BATCH,
                  outbound: config.kafkaBrokers.length
                    ? {
                        kafka: kafkaOptions(config),
                        relayIntervalMs: config.schedulerIntervalMs,
                        publishBatch: config.kafkaPublishBatch,
                        maxBatchBytes: config.kafkaMaxBatchBytes,
                      }
                    : undefined,
                },
                appended,
              );
            return new ProjectionRunner(events, reads, defaultProjections(rules), runnerLogger);
          },
        },
        { provide: MESSAGE_TRANSPORT, useFactory: () => openTransport(config) },
        {
          provide: EventPublisher,
          inject: [EVENT_STORE, READ_STORE, MESSAGE_TRANSPORT, ProjectionRunner],
          useFactory: (
            events: EventStore,
            reads: ReadStore,
            transport: MessageTransport,
            runner: ProjectionRunner,
          ) => {
            const thread = outboundThread(runner);
            if (thread) return new ThreadedEventPublisher(events, reads, transport, thread);
            const logger = new Logger('publisher');
            return new EventPublisher(
              events,
              reads,
              transport,
              { error: (m, e) => logger.error(m, e instanceof Error ? e.stack : String(e)) },
              topicNames(config.kafkaTopicPrefix),
              config.kafkaPublishBatch,
              config.kafkaMaxBatchBytes,
            );
          },
        },
        {
          provide: OutboxRelay,
          inject: [READ_STORE, MESSAGE_TRANSPORT, ProjectionRunner],
          useFactory: (reads: ReadStore, transport: MessageTransport, runner: ProjectionRunner) => {
            const thread = outboundThread(runner);
            if (thread) return new ThreadedOutboxRelay(reads, transport, thread);
            const logger = new Logger('outbox');
            return new OutboxRelay(reads, transport, {
              intervalMs: config.schedulerIntervalMs,
              maxBatchBytes: config.kafkaMaxBatchBytes,
              topics: topicNames(config.kafkaTopicPrefix),
              logger: {
                error: (m, e) => logger.error(m, e instanceof Error ? e.stack : String(e)),
              },
            });
          },
        },
        {
          provide: FollowUpScheduler,
          inject: [READ_STORE, OutboxRelay],
          useFactory: (reads: ReadStore, relay: OutboxRelay) => {
            const logger = new Logger('scheduler');
            return new FollowUpScheduler(reads, {
              intervalMs: config.schedulerIntervalMs,
              onQueued: () => relay.poke(),
              logger: {
                error: (m, e) => logger.error(m, e instanceof Error ? e.stack : String(e)),
              },
            });
          },
        },
        {
          provide: LEASES,
          useFactory: () => {
            const logger = new Logger('leases');
            return openLeases(config.readStore, {
              log: (m) => logger.log(m),
              error: (m, e) => logger.error(m, e instanceof Error ? e.stack : String(e)),
            });
          },
        },
        {
          provide: ApiKeys,
          inject: [READ_STORE],
          useFactory: (reads: ReadStore) => new ApiKeys(reads),
        },
        {
          provide: Authenticator,
          inject: [ApiKeys],
          useFactory: (keys: ApiKeys) => new Authenticator(config.auth, keys),
        },
        {
          provide: Pseudonyms,
          inject: [MASTER_KEY],
          useFactory: (masterKey: Buffer) => new Pseudonyms(masterKey),
        },
        AdminKeyBootstrap,
        CommandIntake,
        Metrics,
        // The write path reports each command's time and outcome to the app's registry.
        { provide: COMMAND_METRICS, useExisting: Metrics },
        { provide: INTAKE_METRICS, useExisting: Metrics },
        HealthWatch,
        OpsListener,
        AggregateStateCache,
        CommandGateway,
        ExecuteDomainCommandHandler,
        Lifecycle,
      ],
      exports: [
        CommandGateway,
        ProjectionRunner,
        EVENT_STORE,
        READ_STORE,
        MESSAGE_TRANSPORT,
        EventPublisher,
        LEASES,
        Metrics,
        OpsListener,
        HEARD_CONFIG,
        Authenticator,
        ApiKeys,
        CustomerKeys,
      ],
    };
  }
}
