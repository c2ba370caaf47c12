import { FailedAttempts } from './failed-attempts';
import { hashSecret, newApiKeyToken, parseApiKeyToken, secretMatches } from './api-key-secrets';
import { Pseudonyms } from './master-key';
import { seal, unseal } from './customer-keys';
import { mayActFor, seesPseudonyms, type Principal } from './access';

const principal = (roles: Principal['roles'], extra: Partial<Principal> = {}): Principal => ({
  id: 'p',
  ref: 'key:p',
  roles,
  credential: 'api-key',
  seesCustomerIds: false,
  ...extra,
});

describe('API key secrets', () => {
  it('makes tokens that parse back to their key id, and checks a secret against its scrypt hash only', async () => {
    const { keyId, secret, token } = newApiKeyToken();
    expect(parseApiKeyToken(token)).toEqual({ keyId, secret });
    expect(parseApiKeyToken(`${token}x`)).toBeUndefined();
    expect(parseApiKeyToken('Bearer something')).toBeUndefined();
    const stored = await hashSecret(secret);
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored).not.toContain(secret);
    expect(await secretMatches(secret, stored)).toBe(true);
    expect(await secretMatches(newApiKeyToken().secret, stored)).toBe(false);
    expect(await secretMatches(secret, 'md5$whatever')).toBe(false);
    // Two hashes of one secret differ (a salt each).
    expect(await hashSecret(secret)).not.toBe(stored);
  });
});

describe('Pseudonyms', () => {
  const master = Buffer.alloc(32, 5);

  it('replaces customer and account ids wherever they are, the same id the same way', () => {
    const pseudonyms = new Pseudonyms(master);
    const shown = pseudonyms.apply({
      followUps: [{ customerId: 'cust-1', caseId: 'c-1', note: 'keeps the rest' }],
      messages: [
        { topic: 'follow-ups', key: 'cust-1', data: { customerId: 'cust-1' } },
        { topic: 'issue-trends', key: 'issue:lid', data: { accountIds: ['acct-1'] } },
      ],
    });
    const p = pseudonyms.of('cust-1');
    expect(p).toMatch(/^pseudo-[0-9a-f]{20}$/);
    expect(shown).toEqual({
      followUps: [{ customerId: p, caseId: 'c-1', note: 'keeps the rest' }],
      messages: [
        { topic: 'follow-ups', key: p, data: { customerId: p } },
        {
          topic: 'issue-trends',
          key: 'issue:lid',
          data: { accountIds: [pseudonyms.of('acct-1')] },
        },
      ],
    });
    // Another installation (another master key) gives other pseudonyms.
    expect(new Pseudonyms(Buffer.alloc(32, 6)).of('cust-1')).not.toBe(p);
  });
});

describe('roles', () => {
  it('lets only integrations name the agent they act for, and shows pseudonyms to analysts alone', () => {
    expect(mayActFor(principal(['integration']))).toBe(true);
    expect(mayActFor(principal(['admin']))).toBe(false);
    expect(seesPseudonyms(principal(['analyst']))).toBe(true);
    expect(seesPseudonyms(principal(['analyst'], { seesCustomerIds: true }))).toBe(false);
    expect(seesPseudonyms(principal(['analyst', 'supervisor']))).toBe(false);
  });
});

describe('FailedAttempts', () => {
  it('counts a slow check before it runs: the limit holds for checks in flight at once', () => {
    const attempts = new FailedAttempts(3, 60_000);
    const t0 = Date.now();
    const started = Array.from({ length: 10 }, () => attempts.begin(['key:k1', 'address:a'], t0));
    expect(started.filter((s) => typeof s === 'function')).toHaveLength(3);
    expect(started.slice(3)).toEqual(Array(7).fill(60));
  });

  it('blocks a key id or an address past the limit until its window ends, and only them', () => {
    const attempts = new FailedAttempts(3, 60_000);
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      const done = attempts.begin(['key:k1', `address:${i}`], t0);
      if (typeof done === 'function') done(false);
    }
    expect(attempts.begin(['key:k1', 'address:new'], t0 + 1000)).toBe(59);
    expect(typeof attempts.begin(['key:k2', 'address:new'], t0 + 1000)).toBe('function');
    expect(typeof attempts.begin(['key:k1', 'address:new'], t0 + 60_000)).toBe('function');
  });

  it('gives the places back when the secret matched', () => {
    const attempts = new FailedAttempts(2, 60_000);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      const done = attempts.begin(['key:k1', 'address:a'], t0);
      expect(typeof done).toBe('function');
      if (typeof done === 'function') done(true);
    }
  });
});

describe("sealing a customer's words", () => {
  const key = Buffer.alloc(32, 7);

  it('gives every seal its own IV, across many draws of the IV pool, and each opens', () => {
    const sealed = Array.from({ length: 2000 }, () => seal(key, 'Charged twice', 'customer c-1'));
    const ivs = new Set(
      sealed.map((s) => Buffer.from(s, 'base64url').subarray(0, 12).toString('hex')),
    );
    expect(ivs.size).toBe(2000);
    for (const s of sealed) expect(unseal(key, s, 'customer c-1')).toBe('Charged twice');
  });

  it('refuses to open under another context', () => {
    expect(() => unseal(key, seal(key, 'Charged twice', 'customer c-1'), 'customer c-2')).toThrow();
  });
});
