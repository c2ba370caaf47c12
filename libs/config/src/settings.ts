/**
 * Every environment variable heard reads, with its default as the docs show it and what it
 * does: docs/configuration.md's table is generated from this list (npm run docs:tables), and
 * a test fails when loadConfig reads a setting this list does not name, or the other way round.
 */
interface Setting {
  /** The variable, or the variables one row describes together. */
  names: readonly string[];
  /** Variables the row names as alternatives (a secret's _FILE form), read by loadConfig too. */
  also?: readonly string[];
  /** The default, in the docs' words (Markdown). */
  default: string;
  /** What it does and what it accepts (Markdown). */
  what: string;
}

export const SETTINGS: readonly Setting[] = [
  {
    names: ['PORT'],
    default: '`3000`',
    what: 'HTTP port',
  },
  {
    names: ['HEARD_HOST'],
    default: '`0.0.0.0`',
    what: 'address to listen on',
  },
  {
    names: ['HEARD_DATA_DIR'],
    default: '`./data`',
    what: 'where the embedded stores keep their files (created if missing)',
  },
  {
    names: ['HEARD_EVENT_STORE'],
    default: '`sqlite` (`$HEARD_DATA_DIR/events.db`)',
    what: "`sqlite`, `sqlite:PATH` or `postgres://user@host:5432/db` (add `?schema=name` to keep heard's tables in a schema of its own; the password goes in `HEARD_PG_PASSWORD_FILE`, `PGPASSWORD` or `~/.pgpass`, never in the URL or logs). A server that does not answer stops the start, naming this setting. Or `esdb://host:2113?tls=false` (EventStoreDB or KurrentDB: the client's connection string, TLS settings included; see [EventStoreDB](operations.md#eventstoredb))",
  },
  {
    names: ['HEARD_READ_STORE'],
    default: '`sqlite` (`$HEARD_DATA_DIR/read-models.db`)',
    what: '`sqlite`, `sqlite:PATH` or `postgres://…` (as for `HEARD_EVENT_STORE`; the same database and schema may hold both)',
  },
  {
    names: ['HEARD_PG_PASSWORD_FILE'],
    default: 'unset',
    what: 'a file holding the PostgreSQL password (a Docker or Kubernetes secret), read once at start; unreadable stops the start, naming it',
  },
  {
    names: ['HEARD_ROLES'],
    default: 'all: `api,intake,projections,publisher,relay,scheduler`',
    what: 'what this instance runs (see [Several instances](operations.md#several-instances)); anything less than all needs both stores on PostgreSQL',
  },
  {
    names: ['HEARD_PROJECTIONS_THREAD'],
    default: '`on`',
    what: '`off` runs the projections in the API thread; `on` (embedded default only) gives them a worker thread of their own, off the event loop that serves requests; with Kafka, the outbox relay and the event publisher run in that thread too',
  },
  {
    names: ['HEARD_AUTH'],
    default: '`on`',
    what: '`off` lets every caller do everything without a credential; accepted only with a loopback `HEARD_HOST` (127.0.0.1)',
  },
  {
    names: ['HEARD_ADMIN_KEY'],
    also: ['HEARD_ADMIN_KEY_FILE'],
    default: 'none: the first start writes `admin.key`',
    what: 'a bootstrap admin key (32+ characters), sent as `Authorization: Bearer …`; or `HEARD_ADMIN_KEY_FILE` (a secret). Without it, the first start on a store that never had a key writes one to `$HEARD_DATA_DIR/admin.key` (mode 0600)',
  },
  {
    names: ['HEARD_MASTER_KEY'],
    also: ['HEARD_MASTER_KEY_FILE'],
    default: '`$HEARD_DATA_DIR/master.key`, made at first start',
    what: "32 random bytes in base64 (`openssl rand -base64 32`), or `HEARD_MASTER_KEY_FILE`; it wraps every customer's key (see [Erasure](access-and-erasure.md#erasure); back it up apart from the stores) and pseudonyms are derived from it; required (the same on every instance) when both stores are on servers",
  },
  {
    names: ['HEARD_JWT_JWKS_URL'],
    also: ['HEARD_JWT_PUBLIC_KEY', 'HEARD_JWT_PUBLIC_KEY_FILE'],
    default: 'unset: API keys only',
    what: "the identity provider's JWKS URL; or `HEARD_JWT_PUBLIC_KEY` / `HEARD_JWT_PUBLIC_KEY_FILE` (a PEM public key). Needs `HEARD_JWT_ISSUER` and `HEARD_JWT_AUDIENCE`",
  },
  {
    names: ['HEARD_JWT_ISSUER'],
    default: 'unset',
    what: 'the issuer (`iss`) every JWT must name; required with `HEARD_JWT_JWKS_URL` or a public key',
  },
  {
    names: ['HEARD_JWT_AUDIENCE'],
    default: 'unset',
    what: 'the audience (`aud`) every JWT must name; required with `HEARD_JWT_JWKS_URL` or a public key',
  },
  {
    names: ['HEARD_JWT_ROLE_CLAIM'],
    default: '`role`',
    what: 'dotted path of the claim holding the heard role(s), a string or an array (e.g. `realm_access.roles`)',
  },
  {
    names: ['HEARD_OIDC_AUTHORIZE_URL', 'HEARD_OIDC_TOKEN_URL', 'HEARD_OIDC_CLIENT_ID'],
    default: 'unset: the screens sign in with a key',
    what: "the identity provider's authorization and token endpoints, and the public client registered for the screens (its redirect URI: `https://<heard>/app/`; the token endpoint must allow heard's origin by CORS). All three, and the `HEARD_JWT_*` settings, or the start stops naming what is missing; the token endpoint's origin is added to the CSP's `connect-src`",
  },
  {
    names: ['HEARD_OIDC_SCOPE'],
    default: '`openid`',
    what: 'scopes the screens ask the identity provider for',
  },
  {
    names: ['HEARD_METRICS_ACCESS'],
    default: '`loopback`',
    what: 'who reads `/health` and `/metrics` on `PORT`: `loopback` (callers on this machine, no credential; others need an admin), `open`, or roles (`admin,supervisor`)',
  },
  {
    names: ['HEARD_DOCS_ACCESS'],
    default: '`loopback`',
    what: 'the same for `/docs`',
  },
  {
    names: ['HEARD_CORS_ORIGINS'],
    default: 'none',
    what: 'comma-separated origins browsers may call heard from (`https://agents.example.com`); none: same origin only',
  },
  {
    names: ['HEARD_RATE_LIMIT'],
    default: '`60000`',
    what: 'requests a minute per credential (per address without one), per instance; `0` turns it off',
  },
  {
    names: ['HEARD_TRUST_PROXY'],
    default: 'none',
    what: "comma-separated addresses or CIDR ranges of the reverse proxies whose `X-Forwarded-For` heard believes for a caller's address (Fastify's `trustProxy`); none: the address that connected, so behind a proxy every anonymous caller shares the proxy's",
  },
  {
    names: ['HEARD_KAFKA_PRODUCER_ROLES'],
    default: 'none: every producer is `integration`',
    what: '`app=role,…`: the role of an app producing to `heard.commands`, by its `ce_source` (e.g. `pm-app=product`)',
  },
  {
    names: ['HEARD_KAFKA_BROKERS'],
    default: 'none: in-process',
    what: 'comma-separated `host:port`; when set, heard checks them at start (no answer within 10 s stops it, naming the problem), creates its topics, publishes every event and takes commands',
  },
  {
    names: ['HEARD_KAFKA_TOPIC_PREFIX'],
    default: '`heard`',
    what: 'topic names: `PREFIX.case-events`, `PREFIX.commands`, `PREFIX.commands.dlq`, `PREFIX.issue-trends`, `PREFIX.follow-ups`, `PREFIX.account-alerts`, `PREFIX.sla-alerts`, `PREFIX.accounts` (in) and `PREFIX.accounts.dlq`',
  },
  {
    names: ['HEARD_KAFKA_PARTITIONS'],
    default: '`3`',
    what: 'partitions of the topics heard creates (existing topics are left as they are)',
  },
  {
    names: ['HEARD_KAFKA_REPLICATION_FACTOR'],
    default: '`1`',
    what: 'replication factor of the topics heard creates',
  },
  {
    names: ['HEARD_KAFKA_CLIENT_ID'],
    default: '`heard`',
    what: 'kafkajs client id',
  },
  {
    names: ['HEARD_KAFKA_INTAKE_GROUP'],
    default: '`PREFIX-intake` (`heard-intake`)',
    what: 'consumer group of the command intake',
  },
  {
    names: ['HEARD_KAFKA_INTAKE_CONSUMERS'],
    default: '`1`',
    what: 'intake consumers in this process (`0`: no intake here)',
  },
  {
    names: ['HEARD_KAFKA_PUBLISH_BATCH'],
    default: '`500`',
    what: 'events per publish (one acknowledgement, one checkpoint)',
  },
  {
    names: ['HEARD_FOLLOW_UP_DELAY'],
    default: '`3d`',
    what: 'delay from a resolution to its "did it work?" follow-up (`500ms`, `30s`, `15m`, `72h`, `3d`)',
  },
  {
    names: ['HEARD_SCHEDULER_INTERVAL'],
    default: '`1s`',
    what: 'how often the scheduler records what came due (SLA warnings, breaches, escalations, broken promises; follow-ups) and the outbox is sent (at least `100ms`); the outbox is also sent after every projection batch',
  },
  {
    names: ['HEARD_SPIKE_WINDOW_DAYS'],
    default: '`7`',
    what: "the spike rule's window, days to the day of reference",
  },
  {
    names: ['HEARD_SPIKE_BASELINE_DAYS'],
    default: '`28`',
    what: 'the baseline: days before the window',
  },
  {
    names: ['HEARD_SPIKE_MIN_CASES'],
    default: '`10`',
    what: 'fewest cases in the window for a recurring issue or a spike',
  },
  {
    names: ['HEARD_SPIKE_RATIO'],
    default: '`2`',
    what: 'window rate over baseline rate that makes a spike (a decimal, 1 to 100)',
  },
  {
    names: ['HEARD_ACCOUNT_ALERT_OPEN_CASES'],
    default: '`5`',
    what: 'an account alert when an account has more open cases than this',
  },
  {
    names: ['HEARD_KEY_ACCOUNT_TIERS'],
    default: 'none',
    what: 'account tiers (comma-separated, such as `enterprise,strategic`) whose escalations and SLA breaches alert the account owner at once',
  },
  {
    names: [
      'HEARD_GITHUB_WEBHOOK_SECRET',
      'HEARD_GITLAB_WEBHOOK_TOKEN',
      'HEARD_JIRA_WEBHOOK_SECRET',
      'HEARD_LINEAR_WEBHOOK_SECRET',
    ],
    also: [
      'HEARD_GITHUB_WEBHOOK_SECRET_FILE',
      'HEARD_GITLAB_WEBHOOK_TOKEN_FILE',
      'HEARD_JIRA_WEBHOOK_SECRET_FILE',
      'HEARD_LINEAR_WEBHOOK_SECRET_FILE',
    ],
    default: 'unset: that receiver answers 404',
    what: "the secret (16+ characters) a tracker's webhook is set up with, or its `_FILE` form: it turns on `POST /webhooks/github`, `/gitlab`, `/jira` or `/linear`, which answer 401 to a delivery without its signature (see [Tracker links](accounts.md#tracker-links))",
  },
  {
    names: ['HEARD_GITHUB_TOKEN', 'HEARD_GITLAB_TOKEN', 'HEARD_JIRA_TOKEN', 'HEARD_LINEAR_API_KEY'],
    also: [
      'HEARD_GITHUB_TOKEN_FILE',
      'HEARD_GITLAB_TOKEN_FILE',
      'HEARD_JIRA_TOKEN_FILE',
      'HEARD_LINEAR_API_KEY_FILE',
    ],
    default: 'unset: no comment back',
    what: "a tracker's API token (Jira: `email:api-token`), or its `_FILE` form: heard comments once on each linked issue of that tracker with the customers and revenue waiting on it (see [Tracker links](accounts.md#the-comment-back))",
  },
  {
    names: [
      'HEARD_GITHUB_API_URL',
      'HEARD_GITLAB_API_URL',
      'HEARD_JIRA_API_URL',
      'HEARD_LINEAR_API_URL',
    ],
    default:
      "`https://api.github.com`, the linked issue's site + `/api/v4`, the linked issue's site, `https://api.linear.app/graphql`",
    what: "where the comment back calls each tracker's API (GitHub Enterprise, a GitLab behind a proxy)",
  },
  {
    names: ['HEARD_BODY_LIMIT'],
    default: '`64kb`',
    what: 'largest body of a single command route (`POST /commands` takes 16 times more, at least 16 MB)',
  },
  {
    names: ['HEARD_BATCH_MAX_COMMANDS'],
    default: '`1000`',
    what: 'most commands in one `POST /commands`',
  },
  {
    names: ['HEARD_REQUEST_TIMEOUT'],
    default: '`30s`',
    what: 'a request whose headers and body have not all arrived by then is cut with `408` (a body trickled byte by byte holds nothing for long)',
  },
  {
    names: ['HEARD_MAX_IN_FLIGHT'],
    default: '`256`',
    what: 'load shedding: requests handled at once (`/health*` and `/metrics` aside); one more is answered `503` with `Retry-After: 1` at once, before its body is read',
  },
  {
    names: ['HEARD_MAX_IN_FLIGHT_BYTES'],
    default: '`64mb`',
    what: 'load shedding: declared body bytes of the requests in flight (at least the largest batch body)',
  },
  {
    names: ['HEARD_MAX_EVENT_BYTES'],
    default: '`256kb`',
    what: 'largest event, as published (its CloudEvent message); a command that would record a larger one is refused with `413 event_too_large`',
  },
  {
    names: ['HEARD_KAFKA_MAX_BATCH_BYTES'],
    default: '`512kb`',
    what: "largest publish request of the publisher and the outbox relay (under the broker's `message.max.bytes`, 1 MB by default)",
  },
  {
    names: ['HEARD_STALL_AFTER'],
    default: '`30s`',
    what: 'a part that has work and has made no progress for this long makes heard `degraded` (see [Health](http-api.md#health-and-load))',
  },
  {
    names: ['HEARD_OPS_PORT'],
    default: 'unset',
    what: 'a port of its own for `/health`, `/health/live`, `/health/ready` and `/metrics` (also on `PORT`); point probes that open a new connection each time at it (see [Health](http-api.md#health-and-load))',
  },
  {
    names: ['HEARD_LOG_LEVEL'],
    default: '`info`',
    what: '`fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`; logs are JSON lines',
  },
  {
    names: ['HEARD_HTTP_LOG'],
    default: '`false`',
    what: "log every HTTP request (Fastify's pino logger); off by default, `/metrics` counts requests",
  },
];
