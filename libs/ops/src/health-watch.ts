import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { answersWithin, HEARD_CONFIG, type HeardConfig } from '@heard/config';
import { EVENT_STORE, type Checkpoint, type EventStore } from '@heard/event-store';
import { FollowUpScheduler, ProjectionRunner, type RebuildProgress } from '@heard/projections';
import { LEASES, READ_STORE, type Leases, type ReadStore } from '@heard/read-store';
import { SlaScheduler } from '@heard/commands';
import { TrackerCommentBack } from '@heard/trackers';
import { intakeGroupOf } from '@heard/intake';
import {
  EventPublisher,
  MESSAGE_TRANSPORT,
  OutboxRelay,
  topicNames,
  type MessageTransport,
} from '@heard/messaging';

/** `up`: working or idle; `stalled`: has work and made no progress for HEARD_STALL_AFTER; `down`: not answering. */
type PartState = 'up' | 'stalled' | 'down';

export interface PartHealth {
  status: PartState;
  [detail: string]: unknown;
}

export interface HealthReport {
  /** `ok`: every part up; `degraded`: a part is stalled or down (named in `degraded`). */
  status: 'ok' | 'degraded';
  degraded: string[];
  parts: Record<string, PartHealth>;
}

/** A health probe answers within a second under any load: each part gets this long. */
const PART_TIMEOUT_MS = 500;

const within = <T>(work: Promise<T>): Promise<T> => answersWithin(work, PART_TIMEOUT_MS);

/** Remembers when a value last moved, to tell a part that is slow from one that is stuck. */
class Progress {
  private readonly seen = new Map<string, { value: number | string; at: number }>();

  /** When `value` of `name` last changed (now, the first time it is seen). */
  movedAt(name: string, value: number | string, now: number): number {
    const last = this.seen.get(name);
    if (!last || last.value !== value) {
      this.seen.set(name, { value, at: now });
      return now;
    }
    return last.at;
  }
}

/**
 * What /health says: every part that has work (projection lag, publisher lag, intake lag,
 * outbox backlog) must have moved within HEARD_STALL_AFTER, every consumer must be running,
 * and the stores and the broker must answer. A sampler notes each part's progress every
 * second (no I/O), so a part stuck since before the first probe is still seen as stuck.
 */
@Injectable()
export class HealthWatch implements OnModuleDestroy {
  private readonly progress = new Progress();
  private readonly sampler: NodeJS.Timeout;
  private readonly startedAt = Date.now();

  constructor(
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly runner: ProjectionRunner,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
    private readonly scheduler: FollowUpScheduler,
    private readonly slaScheduler: SlaScheduler,
    private readonly commentBack: TrackerCommentBack,
    @Inject(LEASES) private readonly leases: Leases,
  ) {
    this.sampler = setInterval(() => this.sample(Date.now()), 1000);
    this.sampler.unref();
  }

  onModuleDestroy() {
    clearInterval(this.sampler);
  }

  /** Notes where every part is now; `report` decides which of them have work. */
  private sample(now: number): void {
    for (const p of this.runner.status())
      this.progress.movedAt(`projection:${p.name}`, p.position, now);
    this.progress.movedAt('publisher', this.publisher.status().position, now);
    this.progress.movedAt('relay', this.relay.status().relayed, now);
    this.progress.movedAt('intake', this.intakeProgressAt(), now);
  }

  /** Progress of the intake: the newest batch any consumer of its group finished in this process. */
  private intakeProgressAt(): number {
    const topics = this.intakeTopics();
    return Math.max(
      0,
      ...this.transport
        .consumers()
        .filter((c) => topics.includes(c.topic))
        .map((c) => c.progressAt),
    );
  }

  async report(): Promise<HealthReport> {
    const now = Date.now();
    const head = await within(this.events.head()).catch((e: Error) => e);
    const parts: Record<string, PartHealth> = {};
    parts.event_store =
      head instanceof Error
        ? { status: 'down', message: head.message }
        : { status: 'up', headPosition: head };
    parts.read_store = await within(this.reads.query('SELECT 1 AS ok')).then(
      (): PartHealth => ({ status: 'up' }),
      (e: Error): PartHealth => ({ status: 'down', message: e.message }),
    );
    const storeUp = !(head instanceof Error);
    parts.projections = await this.projections(storeUp, now);
    const isKafka = this.transport.kind === 'kafka';
    const roles = new Set(this.config.roles);
    const [broker, pending] = await Promise.all([
      within(this.transport.check()).catch((e: Error) => ({ up: false, detail: e.message })),
      within(
        this.reads.query<{ n: number }>(
          'SELECT COUNT(*) AS n FROM outbound_messages WHERE sent_at IS NULL',
        ),
      ).then(
        ([row]) => row?.n ?? 0,
        () => undefined,
      ),
    ]);
    parts.messaging = {
      status: broker.up ? 'up' : 'down',
      transport: this.transport.kind,
      broker: broker.detail,
    };
    if (isKafka && roles.has('publisher'))
      parts.publisher = this.standby('publisher') ?? (await this.publisherHealth(storeUp, now));
    if (roles.has('relay')) parts.relay = this.standby('relay') ?? this.relayHealth(pending, now);
    if (roles.has('scheduler'))
      parts.scheduler = this.standby('scheduler') ?? this.schedulerHealth(now);
    if (isKafka && roles.has('intake') && this.config.kafkaIntakeConsumers > 0)
      parts.intake = await this.intake(now);
    const degraded = Object.entries(parts)
      .filter(([, p]) => p.status !== 'up')
      .map(([name]) => name);
    return { status: degraded.length ? 'degraded' : 'ok', degraded, parts };
  }

  /** A single-active role another instance holds: up, and who runs it. */
  private standby(role: string): PartHealth | undefined {
    const lease = this.leases.status().find((l) => l.name === role);
    if (!lease || lease.held) return undefined;
    return { status: 'up', standby: true, ...(lease.holder ? { runBy: lease.holder } : {}) };
  }

  /**
   * Its passes fail (the read store refuses them): no pass of the follow-ups or of the SLA
   * deadlines succeeded for HEARD_STALL_AFTER.
   */
  private schedulerHealth(now: number): PartHealth {
    const { lastPassAt, queued } = this.scheduler.status();
    const sla = this.slaScheduler.status();
    const since = Math.min(lastPassAt || this.startedAt, sla.lastPassAt || this.startedAt);
    const stalled =
      now - since >= Math.max(this.config.stallAfterMs, 2 * this.config.schedulerIntervalMs);
    return {
      status: stalled ? 'stalled' : 'up',
      queued,
      lastPassAt: lastPassAt ? new Date(lastPassAt).toISOString() : undefined,
      slaRecorded: sla.recorded,
      slaLastPassAt: sla.lastPassAt ? new Date(sla.lastPassAt).toISOString() : undefined,
      // A tracker that refuses comments is its own outage: counted here, retried, not a stall.
      ...(this.commentBack.enabled ? { trackerComments: this.commentBack.status() } : {}),
    };
  }

  private stalled(name: string, value: number | string, hasWork: boolean, now: number) {
    const since = this.progress.movedAt(name, value, now);
    return { stalled: hasWork && now - since >= this.config.stallAfterMs, since };
  }

  /** Events after `position`, when the store answers (its port counts them). */
  private lagAfter(storeUp: boolean, position: Checkpoint): Promise<number | undefined> {
    if (!storeUp) return Promise.resolve(undefined);
    return within(this.events.countAfter(position)).catch(() => undefined);
  }

  private async projections(storeUp: boolean, now: number): Promise<PartHealth> {
    const statuses = this.runner.status();
    const [lags, left] = await Promise.all([
      Promise.all(statuses.map((p) => this.lagAfter(storeUp, p.position))),
      Promise.all(
        statuses.map((p) =>
          p.rebuilding ? this.lagAfter(storeUp, p.rebuilding.position) : Promise.resolve(undefined),
        ),
      ),
    ]);
    const projections = statuses.map(({ rebuilding, ...p }, i) => {
      const lag = lags[i];
      // Being replaced by a new version, its live tables stand still: its build must move.
      const replaced = rebuilding && rebuilding.liveVersion !== rebuilding.version;
      const { stalled, since } = this.stalled(
        `projection:${p.name}`,
        replaced ? rebuilding.position : p.position,
        ((replaced ? left[i] : lag) ?? 0) > 0,
        now,
      );
      return {
        ...p,
        lag,
        stalled,
        lastProgressAt: new Date(since).toISOString(),
        ...(rebuilding ? { rebuilding: rebuildHealth(rebuilding, left[i]) } : {}),
      };
    });
    // Applied elsewhere, they are still watched: a lag that does not move is seen from every instance.
    const bad = projections.filter((p) => p.stalled || (p.where === 'here' && !p.running));
    const lease = this.leases.status().find((l) => l.name === 'projections');
    return {
      status: bad.length ? 'stalled' : 'up',
      ...(bad.length ? { stuck: bad.map((p) => p.name) } : {}),
      ...(lease && !lease.held ? { standby: true, runBy: lease.holder } : {}),
      projections,
    };
  }

  private async publisherHealth(storeUp: boolean, now: number): Promise<PartHealth> {
    const status = this.publisher.status();
    const lag = await this.lagAfter(storeUp, status.position);
    const { stalled, since } = this.stalled('publisher', status.position, (lag ?? 0) > 0, now);
    return {
      status: stalled || !status.running ? 'stalled' : 'up',
      position: status.position,
      published: status.published,
      lag,
      lastProgressAt: new Date(since).toISOString(),
      ...(status.failing ? { lastError: status.failing } : {}),
    };
  }

  private relayHealth(pending: number | undefined, now: number): PartHealth {
    const status = this.relay.status();
    const { stalled, since } = this.stalled('relay', status.relayed, (pending ?? 0) > 0, now);
    return {
      status: stalled ? 'stalled' : 'up',
      pending,
      relayed: status.relayed,
      lastProgressAt: new Date(since).toISOString(),
    };
  }

  /** What the intake takes: commands, and accounts from a CRM's feed. */
  private intakeTopics(): string[] {
    const topics = topicNames(this.config.kafkaTopicPrefix);
    return [topics.commands, topics.accounts];
  }

  private async intake(now: number): Promise<PartHealth> {
    const topics = this.intakeTopics();
    const consumers = this.transport.consumers().filter((c) => topics.includes(c.topic));
    const lag = await within(
      Promise.all(topics.map((t) => this.transport.lag(intakeGroupOf(this.config, t), t))),
    ).then(
      (lags) => lags.reduce((a, b) => a + b, 0),
      () => undefined,
    );
    const { stalled, since } = this.stalled('intake', this.intakeProgressAt(), (lag ?? 0) > 0, now);
    const down = consumers.length === 0 || consumers.some((c) => c.state !== 'running');
    return {
      status: down ? 'down' : stalled ? 'stalled' : 'up',
      group: this.config.kafkaIntakeGroup,
      lag,
      lastProgressAt: new Date(since).toISOString(),
      consumers,
    };
  }
}

/** A build's progress as /health shows it: events done and left, its rate, the time left. */
const rebuildHealth = (build: RebuildProgress, eventsLeft: number | undefined) => ({
  version: build.version,
  liveVersion: build.liveVersion,
  startedAt: build.startedAt,
  eventsDone: build.eventsDone,
  eventsLeft,
  eventsPerSecond: build.eventsPerSecond,
  secondsLeft:
    eventsLeft !== undefined && build.eventsPerSecond > 0
      ? Math.ceil(eventsLeft / build.eventsPerSecond)
      : undefined,
});
