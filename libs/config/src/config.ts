import { StartRefused } from './start-refused';
import { ACCESS_ROLES, isAccessRole, type AccessRole } from './access-roles';
import { closest, distance } from 'fastest-levenshtein';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SETTINGS } from './settings';

export type StoreLocation =
  | { kind: 'sqlite'; file: string }
  /** `password`: read from HEARD_PG_PASSWORD_FILE; otherwise pg reads PGPASSWORD or ~/.pgpass. */
  | { kind: 'postgres'; url: string; password?: string }
  | { kind: 'esdb'; url: string };

/** What a heard process runs (HEARD_ROLES); see docs/operations.md, "Several instances". */
const ROLES = ['api', 'intake', 'projections', 'publisher', 'relay', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

export interface HeardConfig {
  /** What this process runs (all by default). */
  roles: Role[];
  port: number;
  host: string;
  /**
   * A port of its own for /health, /health/live, /health/ready and /metrics (on the same host),
   * or undefined: they are then on `port` only. Probes that open a new connection each time
   * should use it (see docs/http-api.md, "Health and load").
   */
  opsPort?: number;
  dataDir: string;
  eventStore: StoreLocation;
  readStore: StoreLocation;
  /**
   * HEARD_PROJECTIONS_THREAD (on by default): on the embedded default, the projections run
   * in a worker thread of their own, off the event loop that serves requests.
   */
  projectionsThread: boolean;
  kafkaBrokers: string[];
  /** Partitions of the topics heard creates. */
  kafkaPartitions: number;
  kafkaReplicationFactor: number;
  kafkaClientId: string;
  /** Topic names start with it: PREFIX.case-events, PREFIX.commands, … */
  kafkaTopicPrefix: string;
  /** Consumer group of the command intake, and how many consumers this process runs in it. */
  kafkaIntakeGroup: string;
  kafkaIntakeConsumers: number;
  /**
   * The role of each app that produces to PREFIX.commands, by its ce_source; an app not named
   * is an `integration`. Kafka tells heard nothing of who wrote a message: the broker's ACLs do.
   */
  kafkaProducerRoles: Record<string, AccessRole>;
  /** Events per publish to PREFIX.case-events (one broker acknowledgement, one checkpoint). */
  kafkaPublishBatch: number;
  /** Delay between a resolution and its "did it work?" follow-up. */
  followUpDelayMs: number;
  /** How often due follow-ups are queued and the outbox is relayed to the outbound topics. */
  schedulerIntervalMs: number;
  /** When a recurring issue spikes (see "The spike rule" in docs/getting-started.md). */
  spikeRule: { windowDays: number; baselineDays: number; minCases: number; ratio: number };
  /** An account alert when an account has more open cases than this. */
  accountAlertOpenCases: number;
  /** Account tiers whose escalations and SLA breaches alert the account's owner at once. */
  keyAccountTiers: string[];
  /** Each tracker's webhook secret (GitLab's token); its receiver is off (404) without one. */
  trackerWebhookSecrets: Partial<Record<'github' | 'gitlab' | 'jira' | 'linear', string>>;
  /**
   * The comment back, per tracker with a token: its API token, and its API's URL where set
   * (else GitHub's and Linear's public APIs, and the linked issue's own site for GitLab and Jira).
   */
  trackerComments: Partial<
    Record<'github' | 'gitlab' | 'jira' | 'linear', { token: string; apiUrl?: string }>
  >;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Log every HTTP request (off by default: /metrics counts them). */
  httpLog: boolean;
  /** Largest JSON body accepted by a single command route, in bytes. */
  bodyLimitBytes: number;
  /** Most commands accepted in one POST /commands batch. */
  batchMaxCommands: number;
  /** A request whose headers and body have not all arrived by then is cut with a 408. */
  requestTimeoutMs: number;
  /** Load shedding: requests handled at once (ops routes aside); more are answered 503 at once. */
  maxInFlightRequests: number;
  /** Load shedding: declared body bytes of the requests in flight; more are answered 503 at once. */
  maxInFlightBytes: number;
  /** Largest event, as published (data and metadata as a CloudEvent); a larger one is refused at append. */
  maxEventBytes: number;
  /** Largest publish request to Kafka, in bytes (under the broker's message.max.bytes). */
  kafkaMaxBatchBytes: number;
  /** A part that has work and makes no progress for this long makes heard degraded. */
  stallAfterMs: number;
  auth: AuthConfig;
}

/**
 * Who may reach /health and /metrics (`ops`) or /docs: callers on this machine without a
 * credential (`loopback`), anyone (`open`), or callers holding one of `roles`.
 */
export type OpsAccess =
  { kind: 'loopback' } | { kind: 'open' } | { kind: 'roles'; roles: AccessRole[] };

export interface JwtConfig {
  /** Where the identity provider publishes its signing keys, or… */
  jwksUrl?: string;
  /** …its public key (PEM), from HEARD_JWT_PUBLIC_KEY or HEARD_JWT_PUBLIC_KEY_FILE. */
  publicKeyPem?: string;
  issuer: string;
  audience: string;
  /** Dotted path of the claim holding the heard role or roles (a string or an array). */
  roleClaim: string;
}

/**
 * Sign-in to the screens through the identity provider (OpenID Connect's authorization code
 * flow with PKCE, as a public client): the browser gets an access token that heard then
 * verifies like any other JWT (`jwt` above).
 */
export interface SignInConfig {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  scope: string;
}

export interface AuthConfig {
  /**
   * 32 bytes from HEARD_MASTER_KEY (or _FILE), base64: it wraps customers' keys, and
   * pseudonyms are derived from it. Unset on the embedded default: heard keeps one in
   * master.key in the data folder.
   */
  masterKey?: Buffer;
  /** false only with HEARD_AUTH=off on a loopback HEARD_HOST: every caller is then trusted. */
  enabled: boolean;
  /** A bootstrap admin key from HEARD_ADMIN_KEY (or _FILE); else the first start writes admin.key. */
  adminKey?: string;
  jwt?: JwtConfig;
  /** The screens' "sign in with your organisation's account", when configured. */
  signIn?: SignInConfig;
  metricsAccess: OpsAccess;
  docsAccess: OpsAccess;
  /** Origins allowed by CORS; none: browsers may call heard only from its own origin. */
  corsOrigins: string[];
  /** Requests per minute per credential (per address without one); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /**
   * Which proxies' X-Forwarded-For heard believes for a caller's address (Fastify's
   * trustProxy): addresses or CIDR ranges; none: the address that connected.
   */
  trustProxy: string[];
}

const isLoopbackHost = (host: string) =>
  host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** The batch route takes many commands at once; each command is still held to the single limit. */
export const batchBodyLimitOf = (bodyLimitBytes: number) => Math.max(bodyLimitBytes, 1 << 20) * 16;

/** A setting that cannot be used; the message names it and says what is accepted. */
export class ConfigError extends StartRefused {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const SIZE = /^(\d+)(b|kb|mb)?$/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A store heard could not reach at start, named by its setting; the URL's password is never shown. */
export class StoreUnreachable extends StartRefused {
  override readonly name = 'StoreUnreachable';
  constructor(setting: string, url: string, cause: unknown) {
    super(
      `${setting}: ${describeStoreUrl(url)} does not answer (${
        cause instanceof Error ? cause.message : String(cause)
      })`,
    );
  }
}

/** A URL as it may be shown: its password, if any, as ***. */
export const redactUrl = (url: string): string => url.replace(/(\/\/[^/:@]*):[^/@]*@/, '$1:***@');

/** host:port/database of a store URL, for messages: no user, no password. */
const describeStoreUrl = (url: string): string => {
  try {
    const u = new URL(url);
    const kind = u.protocol.replace(':', '');
    const port = u.port || (kind.startsWith('esdb') ? 2113 : 5432);
    return `${kind} at ${u.hostname}:${port}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'the store';
  }
};

/**
 * A PostgreSQL URL for pg, and the schema heard's tables go in (`?schema=name`, heard's own
 * parameter, taken off the URL). Passwords belong in HEARD_PG_PASSWORD_FILE, PGPASSWORD or
 * ~/.pgpass (the last two pg reads itself), not in the URL.
 */
export interface PostgresLocation {
  url: string;
  /** heard's tables go in this schema (search_path); it is made when missing. */
  schema?: string;
  password?: string;
}

export const postgresLocation = (url: string, password?: string): PostgresLocation => {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  return {
    url: u.toString(),
    ...(schema ? { schema } : {}),
    ...(password === undefined ? {} : { password }),
  };
};

/**
 * pg pool settings for a location. The schema name goes into search_path and DDL, so it is
 * held to plain lower-case letters, digits and _.
 */
export const postgresPoolSettings = (location: PostgresLocation, max: number) => {
  if (location.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(location.schema))
    throw new Error(`Schema name ${location.schema}: lower-case letters, digits and _ only`);
  return {
    connectionString: location.url,
    ...(location.password === undefined ? {} : { password: location.password }),
    max,
    // A server that does not answer fails a call in seconds, not at the OS's TCP timeout.
    connectionTimeoutMillis: 5_000,
    ...(location.schema ? { options: `-c search_path=${location.schema}` } : {}),
  };
};

/** Reads and validates every setting at once, so that one start reports every problem. */
/** Every variable heard reads (settings.ts, which a spec holds to what loadConfig reads). */
const KNOWN_SETTINGS = SETTINGS.flatMap((setting) => [...setting.names, ...(setting.also ?? [])]);
/** Variables of heard's tests, screenshots, docs and screens' dev server: not heard's own. */
const TOOL_VARIABLE = /^HEARD_(TEST_|CHROMIUM$|SCREENSHOTS$|WRITE_DOCS$|URL$)/;

/**
 * A HEARD_ variable heard does not read is a setting misspelt (HEARD_EVENTSTORE): without
 * this, heard would start on its default and say nothing. Named with the nearest known one.
 */
const unknownSettings = (env: NodeJS.ProcessEnv): string[] =>
  Object.keys(env)
    .filter((name) => name.startsWith('HEARD_') && !TOOL_VARIABLE.test(name))
    .filter((name) => !KNOWN_SETTINGS.includes(name))
    .sort()
    .map((name) => {
      // HEARD_PORT means PORT, the one setting without the prefix.
      const unprefixed = name.slice('HEARD_'.length);
      const nearest = KNOWN_SETTINGS.includes(unprefixed)
        ? unprefixed
        : closest(name, KNOWN_SETTINGS);
      const near =
        nearest === unprefixed ||
        distance(name, nearest) <= Math.max(3, Math.floor(name.length / 4));
      return `${name}: heard has no such setting${near ? `; did you mean ${nearest}?` : ''} (every setting: docs/configuration.md)`;
    });

/** The setting that holds each tracker's webhook secret (GitLab calls its own a token). */
export const WEBHOOK_SECRET_SETTINGS = {
  github: 'HEARD_GITHUB_WEBHOOK_SECRET',
  gitlab: 'HEARD_GITLAB_WEBHOOK_TOKEN',
  jira: 'HEARD_JIRA_WEBHOOK_SECRET',
  linear: 'HEARD_LINEAR_WEBHOOK_SECRET',
} as const;

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): HeardConfig => {
  const problems: string[] = unknownSettings(env);
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name}=${raw}: must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const duration = (name: string, fallback: string): number => {
    const raw = read(name) ?? fallback;
    const match = DURATION.exec(raw);
    if (!match) {
      problems.push(`${name}=${raw}: must be a duration such as 500ms, 30s, 15m, 72h or 3d`);
      return 0;
    }
    return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  };
  const decimal = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || value < min || value > max) {
      problems.push(`${name}=${raw}: must be a number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const size = (name: string, fallback: string): number => {
    const raw = read(name) ?? fallback;
    const match = SIZE.exec(raw);
    if (!match) {
      problems.push(`${name}=${raw}: must be a size such as 65536, 64kb or 1mb`);
      return 0;
    }
    const unit = (match[2] ?? 'b').toLowerCase();
    return Number(match[1]) * (unit === 'mb' ? 1 << 20 : unit === 'kb' ? 1024 : 1);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = read(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    problems.push(`${name}=${raw}: must be true or false`);
    return fallback;
  };

  /** The contents of a file named by a setting (a Docker or Kubernetes secret), without its last newline. */
  const readSecretFile = (setting: string, file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(
        `${setting}=${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
      return undefined;
    }
  };
  /** A setting given as a value or as a file (NAME_FILE), not both. */
  const secret = (name: string): string | undefined => {
    const file = read(`${name}_FILE`);
    if (file === undefined) return read(name);
    if (read(name) !== undefined)
      problems.push(`${name} and ${name}_FILE: set one of them, not both`);
    return readSecretFile(`${name}_FILE`, file);
  };

  const dataDir = resolve(read('HEARD_DATA_DIR') ?? './data');
  const store = (
    name: string,
    defaultFile: string,
    allowed: StoreLocation['kind'][],
  ): StoreLocation => {
    const raw = read(name) ?? 'sqlite';
    // A URL's password never reaches a message or a log.
    const shown = redactUrl(raw);
    let location: StoreLocation | undefined;
    if (raw === 'sqlite') location = { kind: 'sqlite', file: join(dataDir, defaultFile) };
    else if (raw.startsWith('sqlite:'))
      location = { kind: 'sqlite', file: resolve(raw.slice('sqlite:'.length)) };
    else if (/^postgres(ql)?:\/\//.test(raw)) location = { kind: 'postgres', url: raw };
    else if (raw.startsWith('esdb://') || raw.startsWith('esdb+discover://'))
      location = { kind: 'esdb', url: raw };
    if (!location || (location.kind === 'sqlite' && location.file === resolve(''))) {
      problems.push(
        `${name}=${shown}: must be sqlite, sqlite:PATH, ${allowed
          .filter((k) => k !== 'sqlite')
          .map((k) => `${k}://…`)
          .join(' or ')}`,
      );
      return { kind: 'sqlite', file: join(dataDir, defaultFile) };
    }
    if (!allowed.includes(location.kind))
      problems.push(
        `${name}=${shown}: EventStoreDB holds events, not read models; use sqlite, sqlite:PATH or postgres://…`,
      );
    return location;
  };

  // A file (a Docker or Kubernetes secret), read once: the password is in no URL and no log.
  const passwordFile = read('HEARD_PG_PASSWORD_FILE');
  const pgPassword =
    passwordFile === undefined ? undefined : readSecretFile('HEARD_PG_PASSWORD_FILE', passwordFile);
  const withPassword = (location: StoreLocation): StoreLocation =>
    location.kind === 'postgres' && pgPassword !== undefined
      ? { ...location, password: pgPassword }
      : location;

  const opsAccess = (name: string): OpsAccess => {
    const raw = (read(name) ?? 'loopback').trim();
    if (raw === 'loopback' || raw === 'open') return { kind: raw };
    const roles = raw.split(',').map((r) => r.trim());
    if (roles.every(isAccessRole)) return { kind: 'roles', roles };
    problems.push(
      `${name}=${raw}: must be loopback, open, or roles from ${ACCESS_ROLES.join(', ')} (comma-separated)`,
    );
    return { kind: 'loopback' };
  };
  const host = read('HEARD_HOST') ?? '0.0.0.0';
  const authSetting = (read('HEARD_AUTH') ?? 'on').toLowerCase();
  if (authSetting !== 'on' && authSetting !== 'off')
    problems.push(`HEARD_AUTH=${authSetting}: must be on or off`);
  if (authSetting === 'off' && !isLoopbackHost(host))
    problems.push(
      `HEARD_AUTH=off: heard accepts it only when it listens on loopback (HEARD_HOST=127.0.0.1), not on ${host}; anyone who reaches the port would read every customer's data`,
    );
  const projectionsThread = (read('HEARD_PROJECTIONS_THREAD') ?? 'on').toLowerCase();
  if (projectionsThread !== 'on' && projectionsThread !== 'off')
    problems.push(`HEARD_PROJECTIONS_THREAD=${projectionsThread}: must be on or off`);
  const masterKeyText = secret('HEARD_MASTER_KEY');
  const masterKey =
    masterKeyText === undefined ? undefined : Buffer.from(masterKeyText.trim(), 'base64');
  if (masterKey !== undefined && masterKey.length !== 32)
    problems.push(
      'HEARD_MASTER_KEY: must be 32 random bytes in base64 (for example: openssl rand -base64 32)',
    );
  const adminKey = secret('HEARD_ADMIN_KEY');
  if (adminKey !== undefined && adminKey.length < 32)
    problems.push(
      'HEARD_ADMIN_KEY: must be at least 32 characters (for example: openssl rand -base64 32)',
    );
  const jwksUrl = read('HEARD_JWT_JWKS_URL');
  const publicKeyPem = secret('HEARD_JWT_PUBLIC_KEY');
  let jwt: JwtConfig | undefined;
  if (jwksUrl !== undefined || publicKeyPem !== undefined) {
    if (jwksUrl !== undefined && publicKeyPem !== undefined)
      problems.push('HEARD_JWT_JWKS_URL and HEARD_JWT_PUBLIC_KEY: set one of them, not both');
    if (jwksUrl !== undefined && !/^https?:\/\//.test(jwksUrl))
      problems.push(`HEARD_JWT_JWKS_URL=${jwksUrl}: must be an http(s) URL`);
    if (publicKeyPem !== undefined && !publicKeyPem.includes('-----BEGIN PUBLIC KEY-----'))
      problems.push('HEARD_JWT_PUBLIC_KEY: must be a PEM public key (-----BEGIN PUBLIC KEY-----)');
    const issuer = read('HEARD_JWT_ISSUER');
    const audience = read('HEARD_JWT_AUDIENCE');
    // Without both, a token the provider made for another app would open heard.
    if (!issuer) problems.push('HEARD_JWT_ISSUER: required with JWTs (the iss your provider sets)');
    if (!audience)
      problems.push(
        'HEARD_JWT_AUDIENCE: required with JWTs (the aud your provider sets for heard)',
      );
    jwt = {
      ...(jwksUrl !== undefined ? { jwksUrl } : {}),
      ...(publicKeyPem !== undefined ? { publicKeyPem } : {}),
      issuer: issuer ?? '',
      audience: audience ?? '',
      roleClaim: read('HEARD_JWT_ROLE_CLAIM') ?? 'role',
    };
  }
  const authorizeUrl = read('HEARD_OIDC_AUTHORIZE_URL');
  const tokenUrl = read('HEARD_OIDC_TOKEN_URL');
  const clientId = read('HEARD_OIDC_CLIENT_ID');
  let signIn: SignInConfig | undefined;
  if (authorizeUrl !== undefined || tokenUrl !== undefined || clientId !== undefined) {
    const missing = (
      [
        ['HEARD_OIDC_AUTHORIZE_URL', authorizeUrl],
        ['HEARD_OIDC_TOKEN_URL', tokenUrl],
        ['HEARD_OIDC_CLIENT_ID', clientId],
      ] as const
    ).filter(([, value]) => value === undefined);
    for (const [name] of missing)
      problems.push(`${name}: required for sign-in through the identity provider`);
    for (const [name, url] of [
      ['HEARD_OIDC_AUTHORIZE_URL', authorizeUrl],
      ['HEARD_OIDC_TOKEN_URL', tokenUrl],
    ] as const)
      if (url !== undefined && !/^https?:\/\/[^/]/.test(url))
        problems.push(`${name}=${url}: must be an http(s) URL`);
    // The tokens the screens get must be ones heard accepts.
    if (!jwt)
      problems.push(
        'HEARD_OIDC_*: sign-in through the identity provider needs heard to verify its tokens: set HEARD_JWT_JWKS_URL (or HEARD_JWT_PUBLIC_KEY), HEARD_JWT_ISSUER and HEARD_JWT_AUDIENCE',
      );
    signIn = {
      authorizeUrl: authorizeUrl ?? '',
      tokenUrl: tokenUrl ?? '',
      clientId: clientId ?? '',
      scope: read('HEARD_OIDC_SCOPE') ?? 'openid',
    };
  }
  const kafkaProducerRoles: Record<string, AccessRole> = {};
  for (const pair of (read('HEARD_KAFKA_PRODUCER_ROLES') ?? '')
    .split(',')
    .filter((p) => p.trim())) {
    const [app, role] = pair.split('=').map((part) => part.trim());
    if (!app || !isAccessRole(role) || role === 'admin')
      problems.push(
        `HEARD_KAFKA_PRODUCER_ROLES: "${pair}" must be app=role (role one of ${ACCESS_ROLES.filter((r) => r !== 'admin').join(', ')}), comma-separated`,
      );
    else kafkaProducerRoles[app] = role;
  }
  const corsOrigins = (read('HEARD_CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const trustProxy = (read('HEARD_TRUST_PROXY') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const address of trustProxy)
    if (!/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(address))
      problems.push(
        `HEARD_TRUST_PROXY: "${address}" must be a proxy's IP address or CIDR range (10.0.0.0/8); several are separated by commas`,
      );
  for (const origin of corsOrigins)
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      problems.push(
        `HEARD_CORS_ORIGINS: "${origin}" must be an origin such as https://agents.example.com (no path)`,
      );

  const brokers = (read('HEARD_KAFKA_BROKERS') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of brokers)
    if (!/^[\w.-]+:\d{1,5}$/.test(broker))
      problems.push(
        `HEARD_KAFKA_BROKERS: "${broker}" must be host:port (comma-separated for several)`,
      );
  const logLevel = (read('HEARD_LOG_LEVEL') ?? 'info') as HeardConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`HEARD_LOG_LEVEL=${logLevel}: must be one of ${LOG_LEVELS.join(', ')}`);

  const roles = (read('HEARD_ROLES') ?? ROLES.join(','))
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const role of roles)
    if (!(ROLES as readonly string[]).includes(role))
      problems.push(`HEARD_ROLES: "${role}" is not a role; roles are ${ROLES.join(', ')}`);
  if (roles.length === 0) problems.push(`HEARD_ROLES: name at least one of ${ROLES.join(', ')}`);

  const keyAccountTiers = (read('HEARD_KEY_ACCOUNT_TIERS') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  for (const tier of keyAccountTiers)
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/.test(tier))
      problems.push(
        `HEARD_KEY_ACCOUNT_TIERS: "${tier}" must be a tier word (letters, digits, "_" or "-"); several are separated by commas`,
      );
  const trackerWebhookSecrets: HeardConfig['trackerWebhookSecrets'] = {};
  for (const [tracker, name] of Object.entries(WEBHOOK_SECRET_SETTINGS) as Array<
    [keyof typeof WEBHOOK_SECRET_SETTINGS, string]
  >) {
    const value = secret(name);
    if (value === undefined) continue;
    // A short secret is guessable, and an HMAC with one proves little.
    if (value.length < 16) problems.push(`${name}: use at least 16 characters`);
    else trackerWebhookSecrets[tracker] = value;
  }
  const trackerComments: HeardConfig['trackerComments'] = {};
  for (const [tracker, name, shape, rule] of [
    ['github', 'HEARD_GITHUB_TOKEN', /^\S{8,}$/, 'a token'],
    ['gitlab', 'HEARD_GITLAB_TOKEN', /^\S{8,}$/, 'a token'],
    ['jira', 'HEARD_JIRA_TOKEN', /^[^\s:]+@[^\s:]+:\S{8,}$/, '`email:api-token`'],
    ['linear', 'HEARD_LINEAR_API_KEY', /^\S{8,}$/, 'an API key'],
  ] as const) {
    const token = secret(name);
    const apiName = `HEARD_${tracker.toUpperCase()}_API_URL`;
    const apiUrl = read(apiName);
    if (apiUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(apiUrl))
      problems.push(`${apiName}=${apiUrl}: must be an http(s) URL`);
    if (token === undefined) continue;
    if (!shape.test(token)) problems.push(`${name}: must be ${rule}`);
    else
      trackerComments[tracker] = {
        token,
        ...(apiUrl ? { apiUrl: apiUrl.replace(/\/+$/, '') } : {}),
      };
  }
  const config: HeardConfig = {
    roles: ROLES.filter((r) => roles.includes(r)),
    port: integer('PORT', 3000, 0, 65535),
    host,
    opsPort:
      read('HEARD_OPS_PORT') === undefined ? undefined : integer('HEARD_OPS_PORT', 0, 0, 65535),
    dataDir,
    eventStore: withPassword(
      store('HEARD_EVENT_STORE', 'events.db', ['sqlite', 'postgres', 'esdb']),
    ),
    readStore: withPassword(store('HEARD_READ_STORE', 'read-models.db', ['sqlite', 'postgres'])),
    projectionsThread: projectionsThread !== 'off',
    kafkaBrokers: brokers,
    kafkaPartitions: integer('HEARD_KAFKA_PARTITIONS', 3, 1, 1000),
    kafkaReplicationFactor: integer('HEARD_KAFKA_REPLICATION_FACTOR', 1, 1, 10),
    kafkaClientId: read('HEARD_KAFKA_CLIENT_ID') ?? 'heard',
    kafkaTopicPrefix: read('HEARD_KAFKA_TOPIC_PREFIX') ?? 'heard',
    // One group per topic prefix: members of a group must all read the same topic.
    kafkaIntakeGroup:
      read('HEARD_KAFKA_INTAKE_GROUP') ?? `${read('HEARD_KAFKA_TOPIC_PREFIX') ?? 'heard'}-intake`,
    kafkaIntakeConsumers: integer('HEARD_KAFKA_INTAKE_CONSUMERS', 1, 0, 64),
    kafkaProducerRoles,
    kafkaPublishBatch: integer('HEARD_KAFKA_PUBLISH_BATCH', 500, 1, 10_000),
    followUpDelayMs: duration('HEARD_FOLLOW_UP_DELAY', '3d'),
    schedulerIntervalMs: duration('HEARD_SCHEDULER_INTERVAL', '1s'),
    spikeRule: {
      windowDays: integer('HEARD_SPIKE_WINDOW_DAYS', 7, 1, 90),
      baselineDays: integer('HEARD_SPIKE_BASELINE_DAYS', 28, 1, 365),
      minCases: integer('HEARD_SPIKE_MIN_CASES', 10, 1, 1_000_000),
      ratio: decimal('HEARD_SPIKE_RATIO', 2, 1, 100),
    },
    accountAlertOpenCases: integer('HEARD_ACCOUNT_ALERT_OPEN_CASES', 5, 1, 100_000),
    keyAccountTiers,
    trackerWebhookSecrets,
    trackerComments,
    logLevel,
    httpLog: bool('HEARD_HTTP_LOG', false),
    bodyLimitBytes: size('HEARD_BODY_LIMIT', '64kb'),
    batchMaxCommands: integer('HEARD_BATCH_MAX_COMMANDS', 1000, 1, 10000),
    requestTimeoutMs: duration('HEARD_REQUEST_TIMEOUT', '30s'),
    maxInFlightRequests: integer('HEARD_MAX_IN_FLIGHT', 256, 1, 100_000),
    maxInFlightBytes: size('HEARD_MAX_IN_FLIGHT_BYTES', '64mb'),
    maxEventBytes: size('HEARD_MAX_EVENT_BYTES', '256kb'),
    kafkaMaxBatchBytes: size('HEARD_KAFKA_MAX_BATCH_BYTES', '512kb'),
    stallAfterMs: duration('HEARD_STALL_AFTER', '30s'),
    auth: {
      enabled: authSetting !== 'off',
      ...(masterKey !== undefined ? { masterKey } : {}),
      ...(adminKey !== undefined ? { adminKey } : {}),
      ...(jwt ? { jwt } : {}),
      ...(signIn ? { signIn } : {}),
      metricsAccess: opsAccess('HEARD_METRICS_ACCESS'),
      docsAccess: opsAccess('HEARD_DOCS_ACCESS'),
      corsOrigins,
      rateLimitPerMinute: integer('HEARD_RATE_LIMIT', 60_000, 0, 10_000_000),
      trustProxy,
    },
  };
  if (config.opsPort !== undefined && config.opsPort !== 0 && config.opsPort === config.port)
    problems.push(`HEARD_OPS_PORT=${config.opsPort}: must differ from PORT`);
  if (
    config.roles.length < ROLES.length &&
    (config.eventStore.kind === 'sqlite' || config.readStore.kind === 'sqlite')
  )
    problems.push(
      `HEARD_ROLES=${config.roles.join(',')}: an instance that runs only some roles shares its stores with the others; set HEARD_EVENT_STORE and HEARD_READ_STORE to postgres://… (SQLite files belong to one process)`,
    );
  if (config.requestTimeoutMs < 1000) problems.push('HEARD_REQUEST_TIMEOUT: must be at least 1s');
  if (config.maxEventBytes > config.kafkaMaxBatchBytes)
    problems.push(
      `HEARD_MAX_EVENT_BYTES (${config.maxEventBytes}) must not exceed HEARD_KAFKA_MAX_BATCH_BYTES (${config.kafkaMaxBatchBytes}): every event must fit one publish`,
    );
  if (config.maxInFlightBytes < batchBodyLimitOf(config.bodyLimitBytes))
    problems.push(
      `HEARD_MAX_IN_FLIGHT_BYTES (${config.maxInFlightBytes}) must be at least the largest batch body (${batchBodyLimitOf(config.bodyLimitBytes)} bytes, 16 x max(HEARD_BODY_LIMIT, 1mb))`,
    );
  if (config.schedulerIntervalMs < 100)
    problems.push(`HEARD_SCHEDULER_INTERVAL: must be at least 100ms`);
  if (
    masterKey === undefined &&
    storesAreShared(config) &&
    read('HEARD_MASTER_KEY_FILE') === undefined
  )
    problems.push(
      'HEARD_MASTER_KEY (or HEARD_MASTER_KEY_FILE): required when the stores are on servers, so that every instance holds the same key (openssl rand -base64 32)',
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
};

export const HEARD_CONFIG = Symbol('HeardConfig');

/** Both stores are servers: the data folder holds nothing that needs one process at a time. */
export const storesAreShared = (config: Pick<HeardConfig, 'eventStore' | 'readStore'>) =>
  config.eventStore.kind !== 'sqlite' && config.readStore.kind !== 'sqlite';
