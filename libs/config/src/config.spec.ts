import { join, resolve } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  ConfigError,
  loadConfig,
  postgresLocation,
  postgresPoolSettings,
  StoreUnreachable,
} from './config';

/** What loadConfig refuses in `env`, each problem as it says it. */
const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as ConfigError).problems;
  }
  return [];
};

describe('loadConfig', () => {
  it('serves a single machine with no settings at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDir: resolve('data'),
      eventStore: { kind: 'sqlite', file: join(resolve('data'), 'events.db') },
      readStore: { kind: 'sqlite', file: join(resolve('data'), 'read-models.db') },
      kafkaBrokers: [],
      followUpDelayMs: 3 * 86_400_000,
      bodyLimitBytes: 65536,
      spikeRule: { windowDays: 7, baselineDays: 28, minCases: 10, ratio: 2 },
      accountAlertOpenCases: 5,
      roles: ['api', 'intake', 'projections', 'publisher', 'relay', 'scheduler'],
    });
  });

  it('refuses a HEARD_ variable it does not read, naming the nearest setting', () => {
    expect(problems({ HEARD_EVENTSTORE: 'postgres://db/heard', HEARD_PORT: '80' })).toEqual([
      'HEARD_EVENTSTORE: heard has no such setting; did you mean HEARD_EVENT_STORE? (every setting: docs/configuration.md)',
      'HEARD_PORT: heard has no such setting; did you mean PORT? (every setting: docs/configuration.md)',
    ]);
    expect(problems({ HEARD_SOMETHING_ELSE_ENTIRELY: '1' })).toEqual([
      'HEARD_SOMETHING_ELSE_ENTIRELY: heard has no such setting (every setting: docs/configuration.md)',
    ]);
    // The tests' and tools' own variables are not heard's settings, and not refused.
    expect(
      problems({ HEARD_TEST_PG_URL: 'postgres://db/t', HEARD_CHROMIUM: '/usr/bin/chromium' }),
    ).toEqual([]);
  });

  it('runs some roles only on shared stores, and names a role it does not know', () => {
    const shared = {
      HEARD_EVENT_STORE: 'postgres://db/heard',
      HEARD_READ_STORE: 'postgres://db/heard',
      HEARD_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
    };
    expect(loadConfig({ ...shared, HEARD_ROLES: ' intake, api ' }).roles).toEqual([
      'api',
      'intake',
    ]);
    expect(problems({ ...shared, HEARD_ROLES: 'api,workers' })).toEqual([
      'HEARD_ROLES: "workers" is not a role; roles are api, intake, projections, publisher, relay, scheduler',
    ]);
    expect(problems({ HEARD_EVENT_STORE: 'postgres://db/heard', HEARD_ROLES: 'api' })).toEqual([
      'HEARD_ROLES=api: an instance that runs only some roles shares its stores with the others; set HEARD_EVENT_STORE and HEARD_READ_STORE to postgres://… (SQLite files belong to one process)',
    ]);
    expect(problems({ ...shared, HEARD_ROLES: ',' })).toEqual([
      'HEARD_ROLES: name at least one of api, intake, projections, publisher, relay, scheduler',
    ]);
  });

  it('reads the spike rule and the alert threshold, and refuses a ratio that is not a number', () => {
    expect(
      loadConfig({
        HEARD_SPIKE_RATIO: '1.5',
        HEARD_SPIKE_MIN_CASES: '3',
        HEARD_ACCOUNT_ALERT_OPEN_CASES: '2',
      }),
    ).toMatchObject({ spikeRule: { ratio: 1.5, minCases: 3 }, accountAlertOpenCases: 2 });
    expect(() => loadConfig({ HEARD_SPIKE_RATIO: 'double' })).toThrow(
      /HEARD_SPIKE_RATIO=double: must be a number from 1 to 100/,
    );
    expect(() => loadConfig({ HEARD_SCHEDULER_INTERVAL: '10ms' })).toThrow(
      /HEARD_SCHEDULER_INTERVAL: must be at least 100ms/,
    );
  });

  it("turns on a tracker's webhook receiver with its secret, and refuses a short one", () => {
    expect(loadConfig({}).trackerWebhookSecrets).toEqual({});
    expect(
      loadConfig({
        HEARD_GITHUB_WEBHOOK_SECRET: 'a-secret-of-the-github-hook',
        HEARD_GITLAB_WEBHOOK_TOKEN: 'a-token-of-the-gitlab-hook',
      }).trackerWebhookSecrets,
    ).toEqual({ github: 'a-secret-of-the-github-hook', gitlab: 'a-token-of-the-gitlab-hook' });
    expect(() => loadConfig({ HEARD_LINEAR_WEBHOOK_SECRET: 'short' })).toThrow(
      /HEARD_LINEAR_WEBHOOK_SECRET: use at least 16 characters/,
    );
  });

  it('comments back on a tracker only with its token, and names a Jira token without its email', () => {
    expect(loadConfig({}).trackerComments).toEqual({});
    expect(
      loadConfig({
        HEARD_JIRA_TOKEN: 'bot@acme.test:an-api-token',
        HEARD_GITHUB_TOKEN: 'ghp_abcdefgh',
        HEARD_GITHUB_API_URL: 'https://github.acme.test/api/v3/',
      }).trackerComments,
    ).toEqual({
      jira: { token: 'bot@acme.test:an-api-token' },
      github: { token: 'ghp_abcdefgh', apiUrl: 'https://github.acme.test/api/v3' },
    });
    expect(() => loadConfig({ HEARD_JIRA_TOKEN: 'an-api-token' })).toThrow(
      /HEARD_JIRA_TOKEN: must be `email:api-token`/,
    );
    expect(() => loadConfig({ HEARD_LINEAR_API_URL: 'api.linear.app' })).toThrow(
      /HEARD_LINEAR_API_URL=api.linear.app: must be an http\(s\) URL/,
    );
  });

  it('reads explicit values', () => {
    const config = loadConfig({
      PORT: '8080',
      HEARD_DATA_DIR: '/tmp/h',
      HEARD_EVENT_STORE: 'sqlite:/tmp/x/e.db',
      HEARD_FOLLOW_UP_DELAY: '90m',
      HEARD_BODY_LIMIT: '1mb',
    });
    expect(config).toMatchObject({
      port: 8080,
      eventStore: { kind: 'sqlite', file: '/tmp/x/e.db' },
      readStore: { kind: 'sqlite', file: '/tmp/h/read-models.db' },
      followUpDelayMs: 90 * 60_000,
      bodyLimitBytes: 1 << 20,
    });
  });

  it('names every bad setting and what it accepts', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        HEARD_FOLLOW_UP_DELAY: 'soon',
        HEARD_EVENT_STORE: 'mysql://x',
        HEARD_LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT=eighty: must be a whole number from 0 to 65535/);
    expect(problems.join('\n')).toMatch(/HEARD_EVENT_STORE=mysql:\/\/x: must be sqlite/);
    expect(problems.join('\n')).toMatch(/HEARD_FOLLOW_UP_DELAY=soon: must be a duration/);
    expect(problems.join('\n')).toMatch(/HEARD_LOG_LEVEL=loud/);
  });

  it('takes EventStoreDB for the events only, and never shows a password', () => {
    expect(loadConfig({ HEARD_EVENT_STORE: 'esdb://localhost:2113?tls=false' }).eventStore).toEqual(
      {
        kind: 'esdb',
        url: 'esdb://localhost:2113?tls=false',
      },
    );
    expect(() => loadConfig({ HEARD_READ_STORE: 'esdb://heard:s3cret@db:2113' })).toThrow(
      /HEARD_READ_STORE=esdb:\/\/heard:\*\*\*@db:2113: EventStoreDB holds events, not read models/,
    );
    let message = '';
    try {
      loadConfig({ HEARD_READ_STORE: 'esdb://heard:s3cret@db:2113' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain('s3cret');
  });

  it('takes a PostgreSQL event store, its schema from ?schema=, and names it without the password', () => {
    const config = loadConfig({
      HEARD_EVENT_STORE: 'postgres://heard:s3cret@db:5433/heard?schema=ops',
    });
    expect(config.eventStore).toEqual({
      kind: 'postgres',
      url: 'postgres://heard:s3cret@db:5433/heard?schema=ops',
    });
    expect(postgresLocation('postgres://heard@db/heard?schema=ops&sslmode=require')).toEqual({
      url: 'postgres://heard@db/heard?sslmode=require',
      schema: 'ops',
    });
    const unreachable = new StoreUnreachable(
      'HEARD_EVENT_STORE',
      'postgres://heard:s3cret@db:5433/heard',
      new Error('connect ECONNREFUSED'),
    );
    expect(unreachable.message).toBe(
      'HEARD_EVENT_STORE: postgres at db:5433/heard does not answer (connect ECONNREFUSED)',
    );
  });

  it('reads the PostgreSQL password from a file, keeps it out of the URL, and names a file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heard-config-'));
    try {
      writeFileSync(join(dir, 'pg-password'), 's3cret\n');
      const config = loadConfig({
        HEARD_EVENT_STORE: 'postgres://heard@db/heard?schema=ops',
        HEARD_PG_PASSWORD_FILE: join(dir, 'pg-password'),
      });
      expect(config.eventStore).toEqual({
        kind: 'postgres',
        url: 'postgres://heard@db/heard?schema=ops',
        password: 's3cret',
      });
      expect(config.readStore).toMatchObject({ kind: 'sqlite' });
      const location = postgresLocation('postgres://heard@db/heard?schema=ops', 's3cret');
      expect(postgresPoolSettings(location, 4)).toMatchObject({
        connectionString: 'postgres://heard@db/heard',
        password: 's3cret',
      });
      expect(() => loadConfig({ HEARD_PG_PASSWORD_FILE: join(dir, 'missing') })).toThrow(
        `HEARD_PG_PASSWORD_FILE=${join(dir, 'missing')}: cannot be read (ENOENT)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts health and metrics on a port of their own only when asked, never on the API port', () => {
    expect(loadConfig({}).opsPort).toBeUndefined();
    expect(loadConfig({ HEARD_OPS_PORT: '9464' }).opsPort).toBe(9464);
    expect(() => loadConfig({ PORT: '8080', HEARD_OPS_PORT: '8080' })).toThrow(
      /HEARD_OPS_PORT=8080: must differ from PORT/,
    );
    expect(() => loadConfig({ HEARD_OPS_PORT: 'ops' })).toThrow(
      /HEARD_OPS_PORT=ops: must be a whole number from 0 to 65535/,
    );
  });

  it('is closed by default, opens only on loopback, and reads its keys from files', () => {
    expect(loadConfig({}).auth).toEqual({
      enabled: true,
      metricsAccess: { kind: 'loopback' },
      docsAccess: { kind: 'loopback' },
      corsOrigins: [],
      rateLimitPerMinute: 60_000,
      trustProxy: [],
    });
    expect(loadConfig({ HEARD_AUTH: 'off', HEARD_HOST: '127.0.0.1' }).auth.enabled).toBe(false);
    expect(problems({ HEARD_AUTH: 'off' })).toEqual([
      "HEARD_AUTH=off: heard accepts it only when it listens on loopback (HEARD_HOST=127.0.0.1), not on 0.0.0.0; anyone who reaches the port would read every customer's data",
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'heard-config-'));
    try {
      const master = Buffer.alloc(32, 9);
      writeFileSync(join(dir, 'admin'), `${'k'.repeat(40)}\n`);
      writeFileSync(join(dir, 'master'), `${master.toString('base64')}\n`);
      const auth = loadConfig({
        HEARD_ADMIN_KEY_FILE: join(dir, 'admin'),
        HEARD_MASTER_KEY_FILE: join(dir, 'master'),
        HEARD_METRICS_ACCESS: 'admin,supervisor',
        HEARD_DOCS_ACCESS: 'open',
        HEARD_CORS_ORIGINS: 'https://agents.example.com',
        HEARD_KAFKA_PRODUCER_ROLES: 'pm-app=product',
        HEARD_TRUST_PROXY: '10.0.0.5, 192.168.0.0/16',
      });
      expect(auth.auth).toMatchObject({
        adminKey: 'k'.repeat(40),
        masterKey: master,
        metricsAccess: { kind: 'roles', roles: ['admin', 'supervisor'] },
        docsAccess: { kind: 'open' },
        corsOrigins: ['https://agents.example.com'],
        trustProxy: ['10.0.0.5', '192.168.0.0/16'],
      });
      expect(auth.kafkaProducerRoles).toEqual({ 'pm-app': 'product' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(
      problems({
        HEARD_ADMIN_KEY: 'short',
        HEARD_MASTER_KEY: 'bm90IDMyIGJ5dGVz',
        HEARD_METRICS_ACCESS: 'everyone',
        HEARD_CORS_ORIGINS: 'https://a.example.com/path',
        HEARD_TRUST_PROXY: 'proxy.local',
        HEARD_JWT_JWKS_URL: 'https://idp.example.com/jwks',
        HEARD_KAFKA_PRODUCER_ROLES: 'pm-app=root',
      }),
    ).toEqual([
      'HEARD_MASTER_KEY: must be 32 random bytes in base64 (for example: openssl rand -base64 32)',
      'HEARD_ADMIN_KEY: must be at least 32 characters (for example: openssl rand -base64 32)',
      'HEARD_JWT_ISSUER: required with JWTs (the iss your provider sets)',
      'HEARD_JWT_AUDIENCE: required with JWTs (the aud your provider sets for heard)',
      'HEARD_KAFKA_PRODUCER_ROLES: "pm-app=root" must be app=role (role one of agent, supervisor, analyst, product, integration, sales), comma-separated',
      'HEARD_TRUST_PROXY: "proxy.local" must be a proxy\'s IP address or CIDR range (10.0.0.0/8); several are separated by commas',
      'HEARD_CORS_ORIGINS: "https://a.example.com/path" must be an origin such as https://agents.example.com (no path)',
      'HEARD_METRICS_ACCESS=everyone: must be loopback, open, or roles from agent, supervisor, analyst, product, integration, sales, admin (comma-separated)',
    ]);
    expect(
      problems({
        HEARD_EVENT_STORE: 'postgres://db/heard',
        HEARD_READ_STORE: 'postgres://db/heard',
      }),
    ).toEqual([
      'HEARD_MASTER_KEY (or HEARD_MASTER_KEY_FILE): required when the stores are on servers, so that every instance holds the same key (openssl rand -base64 32)',
    ]);
  });

  it('reads sign-in through the identity provider, and names what it misses', () => {
    const jwt = {
      HEARD_JWT_JWKS_URL: 'https://idp.example.com/jwks',
      HEARD_JWT_ISSUER: 'https://idp.example.com',
      HEARD_JWT_AUDIENCE: 'heard',
    };
    expect(
      loadConfig({
        ...jwt,
        HEARD_OIDC_AUTHORIZE_URL: 'https://idp.example.com/authorize',
        HEARD_OIDC_TOKEN_URL: 'https://idp.example.com/token',
        HEARD_OIDC_CLIENT_ID: 'heard-screens',
      }).auth.signIn,
    ).toEqual({
      authorizeUrl: 'https://idp.example.com/authorize',
      tokenUrl: 'https://idp.example.com/token',
      clientId: 'heard-screens',
      scope: 'openid',
    });
    expect(loadConfig(jwt).auth.signIn).toBeUndefined();
    expect(
      problems({
        HEARD_OIDC_AUTHORIZE_URL: 'idp.example.com/authorize',
        HEARD_OIDC_CLIENT_ID: 'x',
      }),
    ).toEqual([
      'HEARD_OIDC_TOKEN_URL: required for sign-in through the identity provider',
      'HEARD_OIDC_AUTHORIZE_URL=idp.example.com/authorize: must be an http(s) URL',
      'HEARD_OIDC_*: sign-in through the identity provider needs heard to verify its tokens: set HEARD_JWT_JWKS_URL (or HEARD_JWT_PUBLIC_KEY), HEARD_JWT_ISSUER and HEARD_JWT_AUDIENCE',
    ]);
  });

  it('reads Kafka brokers and names a malformed one', () => {
    expect(
      loadConfig({ HEARD_KAFKA_BROKERS: 'localhost:9092, 10.0.0.2:9093' }).kafkaBrokers,
    ).toEqual(['localhost:9092', '10.0.0.2:9093']);
    expect(() => loadConfig({ HEARD_KAFKA_BROKERS: 'localhost' })).toThrow(
      /"localhost" must be host:port/,
    );
  });
});
