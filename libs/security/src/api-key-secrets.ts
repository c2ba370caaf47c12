import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * An API key as shown to its holder once: `heard_<keyId>_<secret>`. The key id finds the
 * stored record; the secret (256 random bits) is stored only as a scrypt hash.
 */
const TOKEN = /^heard_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

interface ApiKeyToken {
  keyId: string;
  secret: string;
}

export const newApiKeyToken = (): ApiKeyToken & { token: string } => {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, token: `heard_${keyId}_${secret}` };
};

export const parseApiKeyToken = (token: string): ApiKeyToken | undefined => {
  const match = TOKEN.exec(token);
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
};

export const looksLikeApiKey = (token: string): boolean => token.startsWith('heard_');

/** scrypt at N=2^15 (32 MB a check, tens of ms): a stolen table is slow to try. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } satisfies ScryptOptions;
const HASH_BYTES = 32;

const derive = (secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(secret, salt, HASH_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

/** `scrypt$N$r$p$salt$hash`, base64url: the parameters travel with the hash. */
export const hashSecret = async (secret: string): Promise<string> => {
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, SCRYPT);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
};

export const secretMatches = async (secret: string, stored: string): Promise<boolean> => {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};

/** Equal strings, compared in constant time (by their SHA-256, so lengths leak nothing either). */
export const sameSecret = (a: string, b: string): boolean => timingSafeEqual(sha256(a), sha256(b));

export const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();
