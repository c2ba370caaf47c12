import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_SECRET_SETTINGS } from '@heard/config';
import type { Tracker } from '@heard/domain';

/** Request headers as Node gives them: lower-case names. */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** What a delivery says about one tracker issue, in heard's terms. */
export interface TrackerChange {
  /** How heard's links name it (see parseTrackerUrl): `owner/repo#12`, `group/project#12`, `KEY-12`. */
  ref: string;
  /** The tracker's own word for where it stands: `closed (completed)`, `opened`, `Done`. */
  state: string;
  /** Closed as done: the fix is made (not closed as "won't do" or a duplicate). */
  done: boolean;
  /** The milestone, fix version or release the tracker names, if any. */
  release?: string;
}

export type DeliveryReading =
  /** The signature is missing or wrong, or the delivery is stale: 401, nothing written. */
  | { kind: 'refused'; reason: string }
  /** Signed, but about nothing heard follows (a ping, a comment, a pull request): 202. */
  | { kind: 'ignored'; deliveryId: string; reason: string }
  | { kind: 'change'; deliveryId: string; change: TrackerChange };

/** Linear signs a timestamp too: an older delivery is a replay (Linear's docs: within a minute). */
export const LINEAR_MAX_AGE_MS = 60_000;

const header = (headers: WebhookHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const hmacHex = (secret: string, body: Buffer) =>
  createHmac('sha256', secret).update(body).digest('hex');

/** Equal in constant time, whatever the lengths: both sides hashed first. */
const same = (given: string, expected: string) =>
  timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );

/** A tracker that sends no delivery id still sends the same bytes again: they name the delivery. */
const deliveryIdOf = (given: string | undefined, body: Buffer) =>
  given?.trim().slice(0, 200) || `sha256-${createHash('sha256').update(body).digest('hex')}`;

const obj = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim() : undefined;
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;

interface TrackerWebhook {
  /** Why the delivery is not the tracker's, or undefined when its signature holds. */
  refuse(headers: WebhookHeaders, body: Buffer, secret: string, now: number): string | undefined;
  deliveryId(headers: WebhookHeaders): string | undefined;
  /** The change the payload describes, or why heard has nothing to record from it. */
  read(headers: WebhookHeaders, payload: Record<string, unknown>): TrackerChange | string;
}

/**
 * Each tracker as its webhook documentation describes it: the header that signs (an HMAC
 * SHA-256 of the raw body, or GitLab's plain token), the delivery id a redelivery repeats,
 * and where an issue's key and state are in the payload.
 */
const WEBHOOKS: Record<Tracker, TrackerWebhook> = {
  // docs.github.com: "Validating webhook deliveries", and the `issues` event.
  github: {
    refuse(headers, body, secret) {
      const signature = header(headers, 'x-hub-signature-256');
      if (!signature) return 'X-Hub-Signature-256 is missing';
      return same(signature, `sha256=${hmacHex(secret, body)}`)
        ? undefined
        : `X-Hub-Signature-256 does not match ${WEBHOOK_SECRET_SETTINGS.github}`;
    },
    deliveryId: (headers) => header(headers, 'x-github-delivery'),
    read(headers, payload) {
      const event = header(headers, 'x-github-event');
      if (event !== 'issues') return `a GitHub ${event ?? 'unnamed'} event, not an issues event`;
      const issue = obj(payload.issue);
      const repo = str(obj(payload.repository).full_name);
      const number = num(issue.number);
      const state = str(issue.state);
      if (!repo || !number || !state) return 'no repository.full_name, issue.number or issue.state';
      const reason = str(issue.state_reason);
      const closed = state === 'closed';
      return {
        ref: `${repo}#${number}`.toLowerCase(),
        state: closed && reason ? `closed (${reason.replace(/_/g, ' ')})` : state,
        // Issues closed before GitHub had reasons carry none: closed then meant done.
        done: closed && (reason === undefined || reason === 'completed'),
        release: str(obj(issue.milestone).title),
      };
    },
  },
  // docs.gitlab.com: "Webhooks" (X-Gitlab-Token, Idempotency-Key) and "Webhook events: Issue events".
  gitlab: {
    refuse(headers, _body, secret) {
      const token = header(headers, 'x-gitlab-token');
      if (!token) return 'X-Gitlab-Token is missing';
      return same(token, secret)
        ? undefined
        : `X-Gitlab-Token is not ${WEBHOOK_SECRET_SETTINGS.gitlab}`;
    },
    // Idempotency-Key stays the same across GitLab's retries; older GitLabs send only the event's UUID.
    deliveryId: (headers) =>
      header(headers, 'idempotency-key') ?? header(headers, 'x-gitlab-event-uuid'),
    read(_headers, payload) {
      const kind = str(payload.object_kind);
      if (kind !== 'issue' && kind !== 'work_item')
        return `a GitLab ${kind ?? 'unnamed'} event, not an issue event`;
      const attributes = obj(payload.object_attributes);
      const project = str(obj(payload.project).path_with_namespace);
      const iid = num(attributes.iid);
      const state = str(attributes.state);
      if (!project || !iid || !state)
        return 'no project.path_with_namespace, object_attributes.iid or object_attributes.state';
      // GitLab's issue hook names a milestone by id only: the release is the issue itself.
      return { ref: `${project}#${iid}`.toLowerCase(), state, done: state === 'closed' };
    },
  },
  // developer.atlassian.com: "Webhooks" (secret: X-Hub-Signature, X-Atlassian-Webhook-Identifier).
  jira: {
    refuse(headers, body, secret) {
      const signature = header(headers, 'x-hub-signature');
      if (!signature) return 'X-Hub-Signature is missing';
      return same(signature, `sha256=${hmacHex(secret, body)}`)
        ? undefined
        : `X-Hub-Signature does not match ${WEBHOOK_SECRET_SETTINGS.jira}`;
    },
    deliveryId: (headers) => header(headers, 'x-atlassian-webhook-identifier'),
    read(_headers, payload) {
      const event = str(payload.webhookEvent);
      if (event !== 'jira:issue_updated' && event !== 'jira:issue_created')
        return `a Jira ${event ?? 'unnamed'} event, not an issue update`;
      const issue = obj(payload.issue);
      const fields = obj(issue.fields);
      const status = obj(fields.status);
      const key = str(issue.key);
      const state = str(status.name);
      if (!key || !state) return 'no issue.key or issue.fields.status.name';
      const versions = Array.isArray(fields.fixVersions)
        ? fields.fixVersions.map((v) => str(obj(v).name)).filter((v) => v !== undefined)
        : [];
      return {
        ref: key.toUpperCase(),
        state,
        // The status's category, not its name: every workflow names its own statuses.
        done: str(obj(status.statusCategory).key) === 'done',
        release: versions.length > 0 ? versions.join(', ') : undefined,
      };
    },
  },
  // linear.app/developers/webhooks: Linear-Signature, Linear-Delivery, webhookTimestamp.
  linear: {
    refuse(headers, body, secret, now) {
      const signature = header(headers, 'linear-signature');
      if (!signature) return 'Linear-Signature is missing';
      if (!same(signature, hmacHex(secret, body)))
        return `Linear-Signature does not match ${WEBHOOK_SECRET_SETTINGS.linear}`;
      let sent: unknown;
      try {
        sent = obj(JSON.parse(body.toString()) as unknown).webhookTimestamp;
      } catch {
        return undefined; // signed but not JSON: answered as such after the signature
      }
      if (typeof sent !== 'number' || Math.abs(now - sent) > LINEAR_MAX_AGE_MS)
        return 'webhookTimestamp is missing or more than a minute away: a replayed delivery';
      return undefined;
    },
    deliveryId: (headers) => header(headers, 'linear-delivery'),
    read(_headers, payload) {
      const type = str(payload.type);
      if (type !== 'Issue') return `a Linear ${type ?? 'unnamed'} event, not an Issue event`;
      if (payload.action === 'remove') return 'an issue removed';
      const data = obj(payload.data);
      const identifier = str(data.identifier);
      const state = obj(data.state);
      const name = str(state.name);
      if (!identifier || !name) return 'no data.identifier or data.state.name';
      // The state's type, not its name: each team names its own workflow states.
      return { ref: identifier.toUpperCase(), state: name, done: state.type === 'completed' };
    },
  },
};

/** A webhook delivery checked against its tracker's secret, then read. */
export const readDelivery = (
  tracker: Tracker,
  headers: WebhookHeaders,
  body: Buffer,
  secret: string,
  now: number,
): DeliveryReading | { kind: 'malformed'; reason: string } => {
  const webhook = WEBHOOKS[tracker];
  const refused = webhook.refuse(headers, body, secret, now);
  if (refused) return { kind: 'refused', reason: refused };
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString());
  } catch (error) {
    return { kind: 'malformed', reason: `The body is not valid JSON: ${(error as Error).message}` };
  }
  const deliveryId = deliveryIdOf(webhook.deliveryId(headers), body);
  const read = webhook.read(headers, obj(payload));
  return typeof read === 'string'
    ? { kind: 'ignored', deliveryId, reason: read }
    : { kind: 'change', deliveryId, change: read };
};
