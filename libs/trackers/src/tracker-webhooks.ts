import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainRuleViolation, TRACKER_NAMES, trackerIssueName, type Tracker } from '@heard/domain';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import { EVENT_STORE, type EventStore } from '@heard/event-store';
import { ProjectionRunner, readTrackerLinks } from '@heard/projections';
import { READ_STORE, type ReadStore } from '@heard/read-store';
import { ExecuteDomainCommand } from '@heard/commands';
import { readDelivery, type TrackerChange, type WebhookHeaders } from './webhook-deliveries';

/** How long a delivery waits for the read model to hold a link made just before it. */
const LINKS_WITHIN_MS = 5_000;

/** What heard did with a delivery, per heard issue linked to the tracker issue it names. */
export interface WebhookOutcome {
  issueId: string;
  linkId: string;
  /** Recorded now, or (a redelivery) recorded before under this delivery id. */
  result: 'recorded' | 'already_recorded' | 'ignored';
  /** Why it was ignored: the rule the issue answered with (state unchanged, issue closed). */
  rule?: string;
  /** heard shipped the fix itself (the link's `onTrackerDone` is `ship`). */
  fixShipped?: boolean;
  /** Where it was written: `minPosition` for a read that sees it. */
  position?: string;
}

export type WebhookAnswer =
  | { status: 'off' }
  | { status: 'refused'; reason: string }
  | { status: 'malformed'; reason: string }
  | {
      status: 'taken';
      deliveryId: string;
      tracker: Tracker;
      /** The tracker issue the delivery is about, and its state there. */
      change?: TrackerChange;
      /** Why nothing was recorded: not an issue event, or an issue no heard issue is linked to. */
      ignored?: string;
      outcomes: WebhookOutcome[];
    };

/**
 * The trackers' webhooks: a delivery whose signature holds becomes a RecordTrackerState
 * command on every heard issue linked to the tracker issue it names, through the same write
 * path as every other command. Its command id is the tracker's delivery id, so a delivery
 * sent again replays the first answer and writes nothing.
 */
@Injectable()
export class TrackerWebhooks {
  private readonly logger = new Logger('webhooks');

  constructor(
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly reads: ReadStore,
    private readonly runner: ProjectionRunner,
    private readonly bus: CommandBus,
  ) {}

  async receive(tracker: Tracker, headers: WebhookHeaders, body: Buffer): Promise<WebhookAnswer> {
    const secret = this.config.trackerWebhookSecrets[tracker];
    if (!secret) return { status: 'off' };
    const reading = readDelivery(tracker, headers, body, secret, Date.now());
    if (reading.kind === 'refused') {
      this.logger.warn(`${TRACKER_NAMES[tracker]} delivery refused: ${reading.reason}`);
      return { status: 'refused', reason: reading.reason };
    }
    if (reading.kind === 'malformed') return { status: 'malformed', reason: reading.reason };
    const { deliveryId } = reading;
    if (reading.kind === 'ignored')
      return { status: 'taken', deliveryId, tracker, ignored: reading.reason, outcomes: [] };

    const { change } = reading;
    // A link made a moment ago is in the read model once it has caught up with the store.
    await this.runner.waitFor(await this.events.head(), LINKS_WITHIN_MS, ['recurring_issues']);
    const links = await readTrackerLinks(this.reads, { tracker, ref: change.ref });
    if (links.length === 0)
      return {
        status: 'taken',
        deliveryId,
        tracker,
        change,
        ignored: `no heard issue is linked to ${trackerIssueName(tracker, change.ref)}`,
        outcomes: [],
      };
    const outcomes: WebhookOutcome[] = [];
    for (const link of links) {
      const commandId = `webhook:${tracker}:${deliveryId}:${link.issueId}`.slice(0, 300);
      const at = new Date().toISOString();
      try {
        const result = await this.bus.execute(
          new ExecuteDomainCommand(
            {
              type: 'RecordTrackerState',
              issueId: link.issueId,
              linkId: link.linkId,
              state: change.state,
              done: change.done,
              release: change.release,
              deliveryId,
              at,
            },
            {
              commandId,
              correlationId: `webhook:${tracker}:${deliveryId}`,
              causationId: `webhook:${tracker}:${deliveryId}`,
              actor: { id: tracker, kind: 'app', role: 'webhook' },
              occurredAt: at,
            },
            commandId,
          ),
        );
        outcomes.push({
          issueId: link.issueId,
          linkId: link.linkId,
          result: result.duplicate ? 'already_recorded' : 'recorded',
          fixShipped: result.eventTypes.includes('FixShipped'),
          position: result.position,
        });
      } catch (error) {
        if (!(error instanceof DomainRuleViolation)) throw error;
        outcomes.push({
          issueId: link.issueId,
          linkId: link.linkId,
          result: 'ignored',
          rule: error.rule,
        });
      }
    }
    return { status: 'taken', deliveryId, tracker, change, outcomes };
  }
}
