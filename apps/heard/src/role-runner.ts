import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HEARD_CONFIG, type DataFolderLock, type HeardConfig } from '@heard/config';
import { EVENT_STORE, type EventStore } from '@heard/event-store';
import { FollowUpScheduler, ProjectionRunner } from '@heard/projections';
import { LEASES, READ_STORE, type Leases, type ReadStore } from '@heard/read-store';
import {
  EventPublisher,
  MESSAGE_TRANSPORT,
  OutboxRelay,
  topicNames,
  type MessageTransport,
} from '@heard/messaging';
import { ThreadedOutboxRelay, ThreadedProjectionRunner } from '@heard/projections-thread';
import { CommandIntake } from '@heard/intake';
import { SlaScheduler } from '@heard/commands';
import { TrackerCommentBack } from '@heard/trackers';
import { HealthWatch, Metrics } from '@heard/ops';

/** The data folder's lock, taken before any store opened: let go of last, when heard stops. */
export const DATA_FOLDER_LOCK = Symbol('DataFolderLock');

/**
 * Starts the roles of HEARD_ROLES with the process, with their gauges, and closes
 * everything in order when it stops.
 */
@Injectable()
export class RoleRunner implements OnApplicationBootstrap, OnApplicationShutdown {
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
    private readonly slaScheduler: SlaScheduler,
    private readonly commentBack: TrackerCommentBack,
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
    // One lease for the scheduler's kinds of work: due follow-ups, SLA deadlines, and the
    // comment back on trackers (one instance comments, once).
    if (roles.has('scheduler'))
      await this.leases.run('scheduler', {
        start: async () => {
          await this.scheduler.start();
          await this.slaScheduler.start();
          await this.commentBack.start();
        },
        stop: async () => {
          await this.commentBack.stop();
          await this.slaScheduler.stop();
          await this.scheduler.stop();
        },
      });
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
