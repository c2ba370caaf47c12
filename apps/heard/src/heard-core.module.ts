import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
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
  dueDeadlines,
  FollowUpScheduler,
  ProjectionRunner,
  projectionRules,
  SlaPolicyCatalog,
} from '@heard/projections';
import {
  LEASES,
  openLeases,
  openReadStore,
  READ_STORE,
  SqliteReadStore,
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
import {
  ThreadedEventPublisher,
  ThreadedOutboxRelay,
  ThreadedProjectionRunner,
} from '@heard/projections-thread';
import { CommandIntake, INTAKE_METRICS } from '@heard/intake';
import {
  AggregateStateCache,
  COMMAND_METRICS,
  CommandGateway,
  ExecuteDomainCommandHandler,
  SLA_POLICIES,
  SlaScheduler,
} from '@heard/commands';
import { HealthWatch, Metrics } from '@heard/ops';
import { TrackerCommentBack } from '@heard/trackers';
import { OpsListener } from '@heard/api';
import { DATA_FOLDER_LOCK, RoleRunner } from './role-runner';

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

const MASTER_KEY = Symbol('MasterKey');
/**
 * Events per projection batch in the projections thread: one commit of the read models. A
 * batch holds the read store's write lock, which the API thread waits for (asleep) to make a
 * customer's key: small enough to keep that wait short.
 */
const PROJECTION_THREAD_BATCH = 500;

/**
 * What every heard process is made of, whatever its roles: the stores (customers' words
 * sealed), the projections, the transport and its publisher and relay, the scheduler, the
 * leases, the write path every transport shares, the Kafka intake, health and metrics. Global,
 * so that the HTTP API a process adds reads them.
 */
@Module({})
export class HeardCoreModule {
  /** `lock`: the data folder, taken by the caller before anything opens a store in it. */
  static forRoot(config: HeardConfig, lock: DataFolderLock | undefined): DynamicModule {
    const providers: Provider[] = [
      { provide: HEARD_CONFIG, useValue: config },
      { provide: DATA_FOLDER_LOCK, useValue: lock ?? null },
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
        provide: SlaScheduler,
        inject: [CommandBus, READ_STORE],
        useFactory: (bus: CommandBus, reads: ReadStore) => {
          const logger = new Logger('sla');
          return new SlaScheduler(bus, (now) => dueDeadlines(reads, now), {
            intervalMs: config.schedulerIntervalMs,
            logger: {
              error: (m, e) => logger.error(m, e instanceof Error ? e.stack : String(e)),
              debug: (m) => logger.debug(m),
            },
          });
        },
      },
      {
        provide: TrackerCommentBack,
        inject: [CommandBus, READ_STORE],
        useFactory: (bus: CommandBus, reads: ReadStore) => {
          const logger = new Logger('comment-back');
          return new TrackerCommentBack(bus, reads, config.trackerComments, {
            intervalMs: config.schedulerIntervalMs,
            logger: {
              log: (m) => logger.log(m),
              error: (m, e) => logger.error(m, e instanceof Error ? e.stack : undefined),
            },
          });
        },
      },
      {
        provide: SLA_POLICIES,
        inject: [READ_STORE],
        useFactory: (reads: ReadStore) => new SlaPolicyCatalog(reads),
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
      RoleRunner,
    ];
    return {
      module: HeardCoreModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      providers,
      // Everything, to the routes of whatever process composes it.
      exports: [...providers, CqrsModule],
    };
  }
}
