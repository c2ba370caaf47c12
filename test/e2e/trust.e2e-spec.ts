import { randomBytes } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';

// What an attacker or a careless client tried, and what they must now find.
describe('callers, credentials and answers that cannot be confused', () => {
  jest.setTimeout(120_000);
  const ISSUER = 'https://idp.example.com/';
  let dir: string;
  let heard: RunningHeard;
  let signer: KeyPair;

  const jwt = (subject: string, groups: string[], alg = 'RS256', key = signer.privateKey) =>
    new SignJWT({ groups })
      .setProtectedHeader({ alg })
      .setIssuer(ISSUER)
      .setAudience('heard')
      .setSubject(subject)
      .setExpirationTime('5m')
      .sign(key);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const makeKey = async (name: string, role: string) => {
    const made = await heard.post('/admin/api-keys', { name, role });
    expect(made.status).toBe(201);
    return made.body as { keyId: string; secret: string };
  };
  const openCase = (caseId: string, headers: Record<string, string>, extra: object = {}) =>
    heard.call(
      'POST',
      '/cases',
      {
        caseId,
        customerId: `cust-${caseId}`,
        channel: 'chat',
        category: 'defect',
        summary: 'The lid leaks',
        ...extra,
      },
      headers,
    );

  beforeAll(async () => {
    signer = await generateKeyPair('RS256');
    dir = tempDataDir();
    heard = await startHeard(dir, {
      HEARD_JWT_PUBLIC_KEY: await exportSPKI(signer.publicKey),
      HEARD_JWT_ISSUER: ISSUER,
      HEARD_JWT_AUDIENCE: 'heard',
      HEARD_JWT_ROLE_CLAIM: 'groups',
      HEARD_ACCOUNT_ALERT_OPEN_CASES: '1',
    });
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  describe('one name under several credentials', () => {
    it('an API key and a JWT subject of one name have their own idempotency keys and actors', async () => {
      const key = await makeKey('crm', 'integration');
      const byKey = await openCase('ns-key', { ...bearer(key.secret), 'idempotency-key': 'same' });
      expect(byKey.status).toBe(201);
      const token = await jwt('crm', ['supervisor']);
      const byJwt = await openCase('ns-jwt', { ...bearer(token), 'idempotency-key': 'same' });
      // Before: 422 naming case-ns-key, the API key's stream.
      expect([byJwt.status, byJwt.body.ids?.caseId]).toEqual([201, 'ns-jwt']);
      expect(JSON.stringify(byJwt.body)).not.toContain('ns-key');
      const actorOf = async (caseId: string) =>
        (await heard.get(`/cases/${caseId}/events`)).body.events[0].actor;
      expect(await actorOf('ns-key')).toMatchObject({ id: 'key:crm', kind: 'app' });
      expect(await actorOf('ns-jwt')).toMatchObject({ id: 'jwt:crm', kind: 'agent' });
    });

    it('a key named admin is not the bootstrap admin key', async () => {
      const named = await makeKey('admin', 'admin');
      const first = await openCase('adm-boot', { ...heard_admin(), 'idempotency-key': 'adm' });
      const second = await openCase('adm-named', {
        ...bearer(named.secret),
        'idempotency-key': 'adm',
      });
      expect([first.status, second.status, second.body.ids?.caseId]).toEqual([
        201,
        201,
        'adm-named',
      ]);
    });

    it('refuses a JWT whose subject is empty or holds a line break, naming the rule', async () => {
      for (const subject of ['', 'ana\r\nX-Injected: 1']) {
        const answer = await heard.call(
          'GET',
          '/me',
          undefined,
          bearer(await jwt(subject, ['agent'])),
        );
        expect(answer.status).toBe(401);
      }
      const broken = await heard.call(
        'GET',
        '/me',
        undefined,
        bearer(await jwt('ana\nbob', ['agent'])),
      );
      expect(broken.headers.get('www-authenticate')).toContain('sub claim must be');
    });
  });

  const heard_admin = () => ({
    authorization: `Bearer ${'test-admin-key-not-secret-0123456789abcdef'}`,
  });

  it('shows analysts no customer or account id on /messages, in JSON or CSV, and refuses a filter that would confirm one', async () => {
    const post = async (path: string, body: object) => {
      const answer = await heard.post(path, body);
      expect([path, answer.status]).toEqual([path, 201]);
      return answer;
    };
    await post('/issues', {
      issueId: 'lid',
      title: 'Lid leaks',
      product: 'Bottle',
      category: 'defect',
    });
    await post('/issues/lid/acknowledgement', { team: 'bottles', owner: 'pm-1' });
    for (const caseId of ['secret-1', 'secret-2']) {
      await post('/cases', {
        caseId,
        customerId: `cust-${caseId}`,
        accountId: 'acct-secret',
        channel: 'chat',
        category: 'defect',
        product: 'Bottle',
        summary: 'Lid leaks',
      });
      await post(`/cases/${caseId}/issue-links`, { issueId: 'lid' });
    }
    const shipped = await post('/issues/lid/fix-shipped', { release: 'v2', description: 'Seal' });
    const analyst = await makeKey('analyst-1', 'analyst');
    const asAnalyst = bearer(analyst.secret);
    // As the admin: the messages name them (the test is meaningful).
    const seenByAdmin = await heard.get(`/messages?minPosition=${shipped.body.position}`);
    expect(JSON.stringify(seenByAdmin.body)).toContain('cust-secret-1');
    expect(JSON.stringify(seenByAdmin.body)).toContain('acct-secret');
    const json = await heard.call('GET', '/messages', undefined, asAnalyst);
    expect(json.status).toBe(200);
    expect(json.body.messages.length).toBeGreaterThanOrEqual(3);
    const csv = await heard.call('GET', '/messages', undefined, {
      ...asAnalyst,
      accept: 'text/csv',
    });
    expect(csv.status).toBe(200);
    for (const text of [JSON.stringify(json.body), String(csv.body)]) {
      expect(text).not.toContain('cust-secret');
      expect(text).not.toContain('acct-secret');
    }
    const guess = await heard.call(
      'GET',
      '/messages?subject=account-acct-secret',
      undefined,
      asAnalyst,
    );
    expect(guess.status).toBe(403);
  });

  describe('refused credentials', () => {
    it('made-up keys from one address do not lock out the real admin key', async () => {
      for (let i = 0; i < 25; i++) {
        const madeUp = `heard_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
        expect((await heard.call('GET', '/me', undefined, bearer(madeUp))).status).toBe(401);
      }
      expect((await heard.call('GET', '/me', undefined, heard_admin())).status).toBe(200);
    });

    it('100 wrong secrets at once for one real key run at most 20 slow checks; the key and the others still work', async () => {
      const target = await makeKey('guessed', 'agent');
      const other = await makeKey('bystander', 'agent');
      expect((await heard.call('GET', '/me', undefined, bearer(target.secret))).status).toBe(200);
      const wrong = () =>
        heard.call(
          'GET',
          '/me',
          undefined,
          bearer(`heard_${target.keyId}_${randomBytes(32).toString('base64url')}`),
        );
      // Proven once, the real key is known: its wrong secrets cost no slow check at all.
      const cheap = await Promise.all(Array.from({ length: 30 }, wrong));
      expect(cheap.every((a) => a.status === 401)).toBe(true);

      const fresh = await makeKey('fresh', 'agent');
      const guesses = await Promise.all(
        Array.from({ length: 100 }, () =>
          heard.call(
            'GET',
            '/me',
            undefined,
            bearer(`heard_${fresh.keyId}_${randomBytes(32).toString('base64url')}`),
          ),
        ),
      );
      const statuses = guesses.map((a) => a.status);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(20);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(80);
      expect(guesses.find((a) => a.status === 429)!.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await heard.call('GET', '/me', undefined, bearer(target.secret))).status).toBe(200);
      expect((await heard.call('GET', '/me', undefined, bearer(other.secret))).status).toBe(200);
    });

    it('a JWT of another algorithm family is refused as a credential (401), not a fault (500)', async () => {
      for (const alg of ['ES256', 'EdDSA'] as const) {
        const { privateKey } = await generateKeyPair(alg);
        const answer = await heard.call(
          'GET',
          '/me',
          undefined,
          bearer(await jwt('ana', ['agent'], alg, privateKey)),
        );
        expect([alg, answer.status]).toEqual([alg, 401]);
      }
      expect(
        (await heard.call('GET', '/me', undefined, bearer('eyJhbGciOi.not-a.jwt'))).status,
      ).toBe(401);
    });
  });

  it('answers 404 to traversal probes of the static files', async () => {
    for (const path of [
      '/app/assets/..%2f..%2f..%2fpackage.json',
      '/docs/..%2f..%2fpackage.json',
      '/app/assets/.env',
    ]) {
      const answer = await heard.call('GET', path);
      expect([path, answer.status]).toEqual([path, 404]);
    }
    // Resolved by the router to a path outside /app: no such route, as for any other.
    const outside = await heard.call('GET', '/app/assets/%2e%2e/%2e%2e/package.json');
    expect(outside.status).toBeLessThan(500);
  });

  it('refuses a lone surrogate in any text field with a 400 naming the field, and writes nothing', async () => {
    for (const field of ['summary', 'product']) {
      const body = JSON.stringify({
        caseId: `sur-${field}`,
        customerId: 'cust-sur',
        channel: 'chat',
        category: 'defect',
        summary: 'fine',
        [field]: 'bad \ud800 text',
      });
      const answer = await heard.call('POST', '/cases', body, {
        ...heard_admin(),
        'content-type': 'application/json',
      });
      expect(answer.status).toBe(400);
      expect(answer.body.fields).toEqual([
        { field, rules: { isWellFormed: expect.stringContaining('lone UTF-16 surrogate') } },
      ]);
      expect((await heard.get(`/cases/sur-${field}`)).status).toBe(404);
    }
  });

  it('an agent key credits work to itself only; integration and supervisor keys may name another agent', async () => {
    const agent = await makeKey('ana', 'agent');
    const supervisor = await makeKey('sue', 'supervisor');
    expect((await openCase('credit-1', heard_admin())).status).toBe(201);
    const apology = (agentId: string) => ({
      agentId,
      fault: 'ours',
      statement: 'We are sorry the lid leaks',
    });
    const asOther = await heard.call(
      'POST',
      '/cases/credit-1/apologies',
      apology('bob'),
      bearer(agent.secret),
    );
    expect([asOther.status, asOther.body.error]).toEqual([403, 'agent_not_caller']);
    expect(asOther.body.message).toContain('agentId');
    expect(
      (await heard.call('POST', '/cases/credit-1/apologies', apology('ana'), bearer(agent.secret)))
        .status,
    ).toBe(201);
    expect(
      (
        await heard.call(
          'POST',
          '/cases/credit-1/apologies',
          apology('bob'),
          bearer(supervisor.secret),
        )
      ).status,
    ).toBe(201);
  });
});
