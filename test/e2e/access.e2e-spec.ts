import { createServer, type Server } from 'node:http';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
import { installAccessControl, routeAccessList, RouteWithoutAccess } from '@heard/api';
import { loadConfig } from '@heard/config';
import type { Authenticator } from '@heard/security';
import { describeWithPostgres, dropSchema, uniqueSchema } from '../support/postgres';
import { describeOnEachReadStoreSetting } from '../support/read-stores';
import {
  asAdmin,
  removeDir,
  startHeard,
  tempDataDir,
  type RunningHeard,
} from '../support/heard-app';

const CALLERS = [
  'agent',
  'supervisor',
  'analyst',
  'product',
  'integration',
  'sales',
  'admin',
] as const;
type Caller = (typeof CALLERS)[number] | 'none';

const ALL: Caller[] = [...CALLERS, 'none'];
const CASE_WORK: Caller[] = ['agent', 'supervisor', 'integration', 'admin'];
const CASE_SUPERVISION: Caller[] = ['supervisor', 'integration', 'admin'];
const CASE_READS: Caller[] = ['agent', 'supervisor', 'admin'];
const PRODUCT: Caller[] = ['product', 'admin'];

/**
 * Who may call what, written out by hand from the role table (docs/access-and-erasure.md): the app's own route
 * list must match it route for route, and every caller must be let in exactly where it says.
 */
const EXPECTED: Record<string, Caller[]> = {
  'POST /cases': CASE_WORK,
  'POST /cases/:caseId/contacts': CASE_WORK,
  'POST /cases/:caseId/apologies': CASE_WORK,
  'POST /cases/:caseId/notes': CASE_WORK,
  'POST /cases/:caseId/handovers': CASE_WORK,
  'POST /cases/:caseId/diagnoses': CASE_WORK,
  'POST /cases/:caseId/fixes': CASE_WORK,
  'POST /cases/:caseId/fixes/:fixId/applied': CASE_WORK,
  'POST /cases/:caseId/escalations': CASE_SUPERVISION,
  'POST /cases/:caseId/resolution': CASE_WORK,
  'POST /cases/:caseId/resolution/confirmation': CASE_WORK,
  'POST /cases/:caseId/resolution/rejection': CASE_WORK,
  'POST /cases/:caseId/reopen': CASE_SUPERVISION,
  'POST /cases/:caseId/closure': CASE_SUPERVISION,
  'POST /cases/:caseId/issue-links': [...CASE_WORK, 'product'],
  'POST /cases/:caseId/follow-ups/:followUpId/completion': CASE_WORK,
  'POST /cases/:caseId/waiting': CASE_WORK,
  'POST /cases/:caseId/waiting/end': CASE_WORK,
  'POST /cases/:caseId/promises': CASE_WORK,
  'POST /cases/:caseId/promises/:promiseId/kept': CASE_WORK,
  'POST /issues': PRODUCT,
  'POST /issues/:issueId/acknowledgement': PRODUCT,
  'POST /issues/:issueId/fix-shipped': PRODUCT,
  'POST /issues/:issueId/closure': PRODUCT,
  'POST /changes': ['product', 'supervisor', 'admin'],
  'POST /incidents': ['product', 'supervisor', 'admin'],
  'POST /incidents/:incidentId/resolution': ['product', 'supervisor', 'admin'],
  // Each item is held to its own command's roles too.
  'POST /commands': ['agent', 'supervisor', 'product', 'integration', 'admin'],
  'GET /cases/:caseId': CASE_READS,
  'GET /cases/:caseId/events': CASE_READS,
  'GET /customers/:customerId/timeline': CASE_READS,
  'GET /customers': CASE_READS,
  'GET /reports/recurring-issues': ['product', 'supervisor', 'analyst', 'admin'],
  'GET /reports/recurring-issues/customers': ['product', 'supervisor', 'analyst', 'admin'],
  'GET /reports/candidate-issues': ['product', 'supervisor', 'admin'],
  'GET /reports/change-impact/:changeId': ['analyst', 'supervisor', 'product', 'admin'],
  'GET /reports/kpis': ['analyst', 'supervisor', 'admin'],
  'GET /kpi-definitions': ['analyst', 'supervisor', 'admin'],
  'PUT /kpi-definitions/:kpi': ['analyst', 'admin'],
  'PUT /sla-policies/:policyId': ['supervisor', 'admin'],
  'GET /sla-policies': ['supervisor', 'analyst', 'agent', 'admin'],
  'GET /reports/sla': ['supervisor', 'agent', 'analyst', 'admin'],
  'PUT /accounts/:accountId': ['integration', 'supervisor', 'admin'],
  'GET /accounts/:accountId': ['agent', 'supervisor', 'analyst', 'product', 'integration', 'admin'],
  'GET /reports/changes': ['analyst', 'supervisor', 'product', 'admin'],
  'GET /issues/:issueId/fix-notice-audience': ['product', 'supervisor', 'admin'],
  'POST /candidate-issues/:candidateId/acceptance': PRODUCT,
  'GET /follow-ups': ['agent', 'supervisor', 'analyst', 'integration', 'admin'],
  'GET /messages': ['analyst', 'supervisor', 'product', 'admin'],
  'POST /issues/:issueId/tracker-links': PRODUCT,
  'GET /owners/:ownerId/alerts': ['sales', 'supervisor', 'admin'],
  'POST /admin/api-keys': ['admin'],
  'GET /admin/api-keys': ['admin'],
  'DELETE /admin/api-keys/:keyId': ['admin'],
  'POST /customers/:customerId/erasure': ['admin'],
  'GET /me': CALLERS.slice(),
  // Open to probes; health details, metrics and the OpenAPI pages answer callers on this
  // machine without a credential (HEARD_METRICS_ACCESS and HEARD_DOCS_ACCESS=loopback).
  'GET /health/live': ALL,
  'GET /health/ready': ALL,
  'GET /health': ALL,
  'GET /metrics': ALL,
  // A tracker's delivery proves itself with the tracker's signature, not a heard credential.
  'POST /webhooks/:tracker': ALL,
  // The screens: static files that hold no data (their calls carry the signed-in key).
  'GET /': ALL,
  'GET /app': ALL,
  'GET /app/*': ALL,
  'GET /app/config.json': ALL,
  'GET /app/assets/*': ALL,
};

const makeKeys = async (heard: RunningHeard): Promise<Record<string, string>> => {
  const tokens: Record<string, string> = {};
  for (const role of CALLERS) {
    // A sales key reads the alerts of the owner it names: the matrix's owner id.
    const name = role === 'sales' ? 'matrix-ownerId' : `${role}-key`;
    const made = await heard.post('/admin/api-keys', { name, role });
    expect(made.status).toBe(201);
    tokens[role] = made.body.secret;
  }
  return tokens;
};

describeOnEachReadStoreSetting('access', (settings) => {
  jest.setTimeout(120_000);
  let dir: string;
  let heard: RunningHeard;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir, settings());
    tokens = await makeKeys(heard);
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  const as = (caller: Caller, extra: Record<string, string> = {}) =>
    caller === 'none' ? extra : { authorization: `Bearer ${tokens[caller]}`, ...extra };

  it('lets every role in exactly where the role table says, on every route the app serves', async () => {
    const routes = routeAccessList(heard.app.getHttpAdapter().getInstance())
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !/^\/docs/.test(r.url))
      .map((r) => `${r.method} ${r.url}`);
    // A route the table does not know (a new one) or that the app no longer serves fails here.
    expect([...new Set(routes)].sort()).toEqual(Object.keys(EXPECTED).sort());

    const unexpected: string[] = [];
    for (const route of Object.keys(EXPECTED)) {
      const [method, pattern] = route.split(' ') as [string, string];
      const path = pattern.replace(/:(\w+)/g, 'matrix-$1');
      for (const caller of ALL) {
        const answer = await heard.call(
          method,
          path,
          method === 'POST' || method === 'PUT' ? {} : undefined,
          as(caller),
        );
        const allowed = answer.status !== 401 && answer.status !== 403;
        const expected = EXPECTED[route]!.includes(caller);
        if (allowed !== expected)
          unexpected.push(
            `${route} as ${caller}: ${answer.status}, expected ${expected ? 'allow' : 'deny'}`,
          );
        if (!allowed && caller === 'none') {
          expect([route, answer.status]).toEqual([route, 401]);
          expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="heard"/);
        }
        if (!allowed && caller !== 'none') {
          expect([route, answer.status]).toEqual([route, 403]);
          expect(answer.body.requiredRoles).toEqual(
            expect.arrayContaining(EXPECTED[route]!.filter((c) => c !== 'none')),
          );
        }
      }
    }
    expect(unexpected).toEqual([]);
  });

  it('records the caller as the actor, lets only an integration name the agent it acts for, and refuses forged actor headers', async () => {
    const open = (caseId: string) => ({
      caseId,
      customerId: 'cust-actor',
      channel: 'phone',
      category: 'billing',
      summary: 'Charged twice',
    });
    const contact = { channel: 'phone', direction: 'inbound', agentId: 'ana', note: 'Called' };
    expect((await heard.call('POST', '/cases', open('actor-1'), as('agent'))).status).toBe(201);
    // An agent writes as itself, and may credit only itself.
    const crediting = await heard.call('POST', '/cases/actor-1/contacts', contact, as('agent'));
    expect([crediting.status, crediting.body.error]).toEqual([403, 'agent_not_caller']);
    const own = { ...contact, agentId: 'agent-key' };
    expect((await heard.call('POST', '/cases/actor-1/contacts', own, as('agent'))).status).toBe(
      201,
    );
    const forgedByAgent: Array<Record<string, string>> = [
      { 'x-actor-id': 'ceo' },
      { 'x-actor-kind': 'system' },
      { 'x-actor-role': 'admin' },
    ];
    for (const forged of forgedByAgent) {
      const refused = await heard.call('POST', '/cases/actor-1/contacts', own, as('agent', forged));
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('actor_refused');
    }
    // An upstream app acts for the agent it names (header, or else the body's agent).
    expect(
      (
        await heard.call(
          'POST',
          '/cases/actor-1/contacts',
          { ...contact, note: 'for bo' },
          as('integration', { 'x-actor-id': 'bo' }),
        )
      ).status,
    ).toBe(201);
    expect(
      (await heard.call('POST', '/cases/actor-1/contacts', contact, as('integration'))).status,
    ).toBe(201);
    const forgedByApp: Array<Record<string, string>> = [
      { 'x-actor-kind': 'system' },
      { 'x-actor-role': 'admin' },
    ];
    for (const forged of forgedByApp)
      expect(
        (await heard.call('POST', '/cases/actor-1/contacts', contact, as('integration', forged)))
          .status,
      ).toBe(403);
    const trail = await heard.call('GET', '/cases/actor-1/events', undefined, as('supervisor'));
    expect(trail.body.events.map((e: { actor: unknown }) => e.actor)).toEqual([
      { id: 'key:agent-key', kind: 'agent', role: 'agent' },
      { id: 'key:agent-key', kind: 'agent', role: 'agent' },
      { id: 'bo', kind: 'agent', via: 'key:integration-key' },
      { id: 'ana', kind: 'agent', via: 'key:integration-key' },
    ]);
  });

  it('keeps idempotency keys per caller: one client can neither replay nor block another', async () => {
    const second = await heard.post('/admin/api-keys', { name: 'other-app', role: 'integration' });
    const body = (customerId: string) => ({
      customerId,
      channel: 'chat',
      category: 'billing',
      summary: 'Same key, other caller',
    });
    const first = await heard.call(
      'POST',
      '/cases',
      body('c-a'),
      as('integration', { 'idempotency-key': 'k-1' }),
    );
    const other = await heard.call('POST', '/cases', body('c-b'), {
      authorization: `Bearer ${second.body.secret}`,
      'idempotency-key': 'k-1',
    });
    expect([first.status, other.status]).toEqual([201, 201]);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(other.body.ids.caseId).not.toBe(first.body.ids.caseId);
    const retry = await heard.call(
      'POST',
      '/cases',
      body('c-a'),
      as('integration', { 'idempotency-key': 'k-1' }),
    );
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.ids.caseId).toBe(first.body.ids.caseId);
  });

  it('refuses a revoked key at once, lists keys without secrets, and says who a key is', async () => {
    const made = await heard.post('/admin/api-keys', { name: 'short-lived', role: 'analyst' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      name: 'short-lived',
      role: 'analyst',
      keyId: expect.any(String),
    });
    const bearer = { authorization: `Bearer ${made.body.secret}` };
    expect((await heard.call('GET', '/me', undefined, bearer)).body).toMatchObject({
      id: 'short-lived',
      roles: ['analyst'],
      credential: 'api-key',
    });
    expect((await heard.call('GET', '/reports/kpis', undefined, bearer)).status).toBe(200);
    const listed = await heard.get('/admin/api-keys');
    // heard_<16 hex digits>_<secret>: the secret itself may hold "_" too.
    const secret = (made.body.secret as string).slice('heard_'.length + 16 + 1);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.keys.find((k: { name: string }) => k.name === 'short-lived')).toMatchObject({
      keyId: made.body.keyId,
      role: 'analyst',
    });
    const revoked = await heard.call('DELETE', `/admin/api-keys/${made.body.keyId}`, undefined, {
      authorization: asAdmin.authorization,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const after = await heard.call('GET', '/reports/kpis', undefined, bearer);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    // The name is free again: a key can be replaced under the same identity.
    expect(
      (await heard.post('/admin/api-keys', { name: 'short-lived', role: 'analyst' })).status,
    ).toBe(201);
    expect(
      (await heard.post('/admin/api-keys', { name: 'short-lived', role: 'agent' })).status,
    ).toBe(409);
    expect(
      (await heard.post('/admin/api-keys', { name: 'bad name!', role: 'chief' })).body.fields
        .map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['name', 'role']);
    // A secret that is almost right proves nothing.
    const tampered = `${made.body.secret.slice(0, -1)}${made.body.secret.endsWith('A') ? 'B' : 'A'}`;
    expect(
      (await heard.call('GET', '/me', undefined, { authorization: `Bearer ${tampered}` })).status,
    ).toBe(401);
  });

  it('shows an analyst pseudonyms on customer-level lists, unless its key is granted customer ids', async () => {
    const caseId = 'pseudo-1';
    await heard.post('/cases', {
      caseId,
      customerId: 'cust-pseudo',
      channel: 'phone',
      category: 'billing',
      summary: 'Charged twice',
    });
    const resolved = await heard.post(`/cases/${caseId}/resolution`, {
      agentId: 'ana',
      resolution: 'Refunded',
    });
    expect(resolved.status).toBe(201);
    const path = `/follow-ups?caseId=${caseId}&minPosition=${encodeURIComponent(resolved.body.position)}`;
    const granted = await heard.post('/admin/api-keys', {
      name: 'analyst-with-ids',
      role: 'analyst',
      seesCustomerIds: true,
    });
    const asAnalyst = await heard.call('GET', path, undefined, as('analyst'));
    const asGranted = await heard.call('GET', path, undefined, {
      authorization: `Bearer ${granted.body.secret}`,
    });
    const asSupervisor = await heard.call('GET', path, undefined, as('supervisor'));
    expect(asSupervisor.body.followUps[0].customerId).toBe('cust-pseudo');
    expect(asGranted.body.followUps[0].customerId).toBe('cust-pseudo');
    const pseudonym = asAnalyst.body.followUps[0].customerId;
    expect(pseudonym).toMatch(/^pseudo-[0-9a-f]{20}$/);
    expect(JSON.stringify(asAnalyst.body)).not.toContain('cust-pseudo');
    // The same customer, the same pseudonym: counts and joins still hold.
    expect(
      (await heard.call('GET', path, undefined, as('analyst'))).body.followUps[0].customerId,
    ).toBe(pseudonym);
    // Everything else is as the supervisor sees it.
    expect({ ...asAnalyst.body.followUps[0], customerId: 'x' }).toEqual({
      ...asSupervisor.body.followUps[0],
      customerId: 'x',
    });
    const filtered = await heard.call(
      'GET',
      '/follow-ups?customerId=cust-pseudo',
      undefined,
      as('analyst'),
    );
    expect(filtered.status).toBe(403);
    expect(filtered.body.message).toContain('seesCustomerIds');
  });

  it('sends security headers, and no CORS grant to an origin it was not given', async () => {
    const answer = await heard.call('GET', '/me', undefined, {
      ...as('agent'),
      origin: 'https://evil.example',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('access settings', () => {
  jest.setTimeout(60_000);

  it('allows the origins it is given, and limits each credential, answering 429 with Retry-After', async () => {
    const dir = tempDataDir();
    const heard = await startHeard(dir, {
      HEARD_CORS_ORIGINS: 'https://agents.example.com',
      HEARD_RATE_LIMIT: '5',
    });
    try {
      const preflight = await heard.call('OPTIONS', '/cases', undefined, {
        origin: 'https://agents.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(
        'https://agents.example.com',
      );
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await heard.get('/me')).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const limited = await heard.get('/me');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.body.error).toBe('rate_limited');
      // Health is never limited.
      expect((await heard.get('/health/live')).status).toBe(200);
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  });

  it('answers without a credential only with HEARD_AUTH=off, which it refuses off loopback', async () => {
    expect(() => loadConfig({ HEARD_AUTH: 'off' })).toThrow(
      /HEARD_AUTH=off: heard accepts it only when it listens on loopback/,
    );
    const dir = tempDataDir();
    const heard = await startHeard(dir, { HEARD_AUTH: 'off', HEARD_HOST: '127.0.0.1' });
    try {
      expect((await heard.call('GET', '/reports/kpis')).status).toBe(200);
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  });
});

describe('JWTs from an identity provider', () => {
  jest.setTimeout(60_000);
  const ISSUER = 'https://idp.example.com/';
  const AUDIENCE = 'heard';
  let signer: KeyPair;
  let stranger: KeyPair;

  beforeAll(async () => {
    signer = await generateKeyPair('RS256');
    stranger = await generateKeyPair('RS256');
  });

  const token = (claims: Record<string, unknown>, key = signer.privateKey, expiresIn = '5m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('maria@example.com')
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(key);

  const checks = async (heard: RunningHeard) => {
    const get = async (path: string, jwt: string) =>
      heard.call('GET', path, undefined, { authorization: `Bearer ${jwt}` });
    const good = await token({ groups: ['staff', 'supervisor'] });
    const me = await get('/me', good);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: 'maria@example.com',
      roles: ['supervisor'],
      credential: 'jwt',
    });
    expect((await get('/reports/kpis', good)).status).toBe(200);
    expect((await get('/admin/api-keys', good)).status).toBe(403);

    const expired = await token({ groups: ['supervisor'] }, signer.privateKey, '-1m');
    const refused = await get('/me', expired);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('expired');
    expect(
      (await get('/me', await token({ groups: ['supervisor'] }, stranger.privateKey))).status,
    ).toBe(401);
    const otherAudience = await new SignJWT({ groups: ['supervisor'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('another-app')
      .setSubject('maria@example.com')
      .setExpirationTime('5m')
      .sign(signer.privateKey);
    expect((await get('/me', otherAudience)).status).toBe(401);
    // Signed and valid, but no heard role: it proves who, and grants nothing.
    expect((await get('/reports/kpis', await token({ groups: ['staff'] }))).status).toBe(403);
    // A JWT writes as its subject.
    const opened = await heard.call(
      'POST',
      '/cases',
      { caseId: 'jwt-1', customerId: 'c', channel: 'chat', category: 'b', summary: 's' },
      { authorization: `Bearer ${good}` },
    );
    expect(opened.status).toBe(201);
    expect((await heard.get('/cases/jwt-1/events')).body.events[0].actor).toEqual({
      id: 'jwt:maria@example.com',
      kind: 'agent',
      role: 'supervisor',
    });
  };

  /** Runs the checks on a heard whose keys come from `keySetting`. */
  const checkWith = async (keySetting: Record<string, string>) => {
    const dir = tempDataDir();
    const heard = await startHeard(dir, {
      ...keySetting,
      HEARD_JWT_ISSUER: ISSUER,
      HEARD_JWT_AUDIENCE: AUDIENCE,
      HEARD_JWT_ROLE_CLAIM: 'groups',
    });
    try {
      await checks(heard);
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  };

  it('verifies them against a public key from config: signer, expiry, issuer, audience and role claim', async () => {
    await checkWith({ HEARD_JWT_PUBLIC_KEY: await exportSPKI(signer.publicKey) });
  });

  it('verifies them against the provider’s JWKS URL', async () => {
    const jwk = { ...(await exportJWK(signer.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const server: Server = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await checkWith({ HEARD_JWT_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` });
    } finally {
      server.close();
    }
  });
});

describe('a route without an access rule', () => {
  @Controller()
  class Forgotten {
    @Get('forgotten')
    forgotten() {
      return 'open to anyone';
    }
  }
  @Module({ controllers: [Forgotten] })
  class ForgottenModule {}

  it('stops the app from starting, naming the route', async () => {
    const adapter = new FastifyAdapter();
    installAccessControl(adapter.getInstance(), loadConfig({}), () => ({}) as Authenticator);
    const app = await NestFactory.create<NestFastifyApplication>(ForgottenModule, adapter, {
      logger: false,
      abortOnError: false,
    });
    const started = app.init();
    await expect(started).rejects.toThrow(RouteWithoutAccess);
    await expect(started).rejects.toThrow(/GET \/forgotten has no access rule/);
    await app.close().catch(() => undefined);
  });
});

describeWithPostgres('instances sharing PostgreSQL', (url) => {
  jest.setTimeout(60_000);

  it('refuse a key revoked on another instance at once', async () => {
    const schema = uniqueSchema();
    const shared = {
      HEARD_EVENT_STORE: `${url}?schema=${schema}`,
      HEARD_READ_STORE: `${url}?schema=${schema}`,
    };
    const dirs = [tempDataDir(), tempDataDir()];
    const [one, two] = [await startHeard(dirs[0]!, shared), await startHeard(dirs[1]!, shared)];
    try {
      const made = await one.post('/admin/api-keys', { name: 'roaming', role: 'agent' });
      const bearer = { authorization: `Bearer ${made.body.secret}` };
      expect((await two.call('GET', '/me', undefined, bearer)).status).toBe(200);
      expect(
        (await one.call('DELETE', `/admin/api-keys/${made.body.keyId}`, undefined, asAdmin)).status,
      ).toBe(200);
      expect((await two.call('GET', '/me', undefined, bearer)).status).toBe(401);
    } finally {
      await one.stop();
      await two.stop();
      dirs.forEach(removeDir);
      await dropSchema(url, schema);
    }
  });
});
