import { FailedAttempts } from './failed-attempts';
import { hashSecret, newApiKeyToken, parseApiKeyToken, secretMatches } from './api-key-secrets';
import { Pseudonyms } from './master-key';
import { seal, unseal } from './customer-keys';
import { mayActFor, seesPseudonyms, type Principal } from './access';

const principal = (roles: Principal['roles'], extra: Partial<Principal> = {}): Principal => ({
  id: 'p',
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
  it('blocks an address past the limit until its window ends', () => {
    const attempts = new FailedAttempts(3, 60_000);
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) attempts.record('10.0.0.1', t0);
    expect(attempts.blockedFor('10.0.0.1', t0 + 1000)).toBe(59);
    expect(attempts.blockedFor('10.0.0.2', t0 + 1000)).toBe(0);
    expect(attempts.blockedFor('10.0.0.1', t0 + 60_000)).toBe(0);
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
