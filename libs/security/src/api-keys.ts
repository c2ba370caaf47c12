import { migratedOnce, type ReadStore } from '@heard/read-store';
import { isAccessRole, type AccessRole } from './access';
import {
  hashSecret,
  newApiKeyToken,
  parseApiKeyToken,
  secretMatches,
  sha256,
} from './api-key-secrets';
import { timingSafeEqual } from 'node:crypto';

export interface ApiKeyRecord {
  keyId: string;
  name: string;
  role: AccessRole;
  seesCustomerIds: boolean;
  createdAt: string;
  createdBy: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** Names are identities (the actor of what a key writes): short, plain, and unambiguous in ids. */
export const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const KEY_NAME_RULE =
  '1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit';

export class KeyNameTaken extends Error {
  override readonly name = 'KeyNameTaken';
  constructor(readonly keyName: string) {
    super(`A live API key is already named ${keyName}; revoke it first or choose another name`);
  }
}

interface Row {
  key_id: string;
  name: string;
  role: string;
  sees_customer_ids: number | boolean;
  secret_hash: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

const toRecord = (row: Row): ApiKeyRecord => ({
  keyId: row.key_id,
  name: row.name,
  role: isAccessRole(row.role) ? row.role : 'agent',
  seesCustomerIds: Boolean(row.sees_customer_ids),
  createdAt: row.created_at,
  createdBy: row.created_by,
  ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  ...(row.revoked_by ? { revokedBy: row.revoked_by } : {}),
});

/** Verified tokens remembered in this process (by their SHA-256), so scrypt runs once per key. */
const MAX_REMEMBERED = 10_000;

/**
 * API keys, kept in the read store's database (shared by every instance on PostgreSQL).
 * Every check reads the key's row, so a revocation holds at once on every instance; the
 * slow hash is checked once per key and process.
 */
export class ApiKeys {
  private readonly verified = new Map<string, Buffer>();

  constructor(private readonly store: ReadStore) {}

  async create(input: {
    name: string;
    role: AccessRole;
    seesCustomerIds?: boolean;
    createdBy: string;
  }): Promise<{ record: ApiKeyRecord; token: string }> {
    await migratedOnce(this.store);
    const { keyId, secret, token } = newApiKeyToken();
    const record: ApiKeyRecord = {
      keyId,
      name: input.name,
      role: input.role,
      seesCustomerIds: input.seesCustomerIds ?? false,
      createdAt: new Date().toISOString(),
      createdBy: input.createdBy,
    };
    const hash = await hashSecret(secret);
    try {
      await this.store.transaction((tx) =>
        tx.execute(
          `INSERT INTO api_keys (key_id, name, role, sees_customer_ids, secret_hash, created_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [
            keyId,
            record.name,
            record.role,
            record.seesCustomerIds ? 1 : 0,
            hash,
            record.createdAt,
            record.createdBy,
          ],
        ),
      );
    } catch (error) {
      if (/unique/i.test((error as Error).message)) throw new KeyNameTaken(input.name);
      throw error;
    }
    return { record, token };
  }

  async list(): Promise<ApiKeyRecord[]> {
    await migratedOnce(this.store);
    const rows = await this.store.query<Row>('SELECT * FROM api_keys ORDER BY created_at, key_id');
    return rows.map(toRecord);
  }

  /** Revokes a live key; undefined when there is no such key. Revoking twice answers the first revocation. */
  async revoke(keyId: string, by: string): Promise<ApiKeyRecord | undefined> {
    await migratedOnce(this.store);
    await this.store.transaction((tx) =>
      tx.execute(
        'UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE key_id = ? AND revoked_at IS NULL',
        [new Date().toISOString(), by, keyId],
      ),
    );
    this.verified.delete(keyId);
    const [row] = await this.store.query<Row>('SELECT * FROM api_keys WHERE key_id = ?', [keyId]);
    return row ? toRecord(row) : undefined;
  }

  /** No key has ever been made here: the first start makes the admin's. */
  async isEmpty(): Promise<boolean> {
    await migratedOnce(this.store);
    const [row] = await this.store.query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM api_keys',
    );
    return Number(row?.n ?? 0) === 0;
  }

  /**
   * The live key a token proves, or undefined. `slowCheck` is asked before a scrypt check
   * runs (a real key id not yet proven in this process): it may refuse by throwing, and is
   * told whether the secret matched.
   */
  async verify(
    token: string,
    slowCheck: (keyId: string) => (matched: boolean) => void = () => () => undefined,
  ): Promise<ApiKeyRecord | undefined> {
    const parsed = parseApiKeyToken(token);
    if (!parsed) return undefined;
    await migratedOnce(this.store);
    const [row] = await this.store.query<Row>(
      'SELECT * FROM api_keys WHERE key_id = ? AND revoked_at IS NULL',
      [parsed.keyId],
    );
    if (!row) {
      this.verified.delete(parsed.keyId);
      return undefined;
    }
    const digest = sha256(token);
    const known = this.verified.get(parsed.keyId);
    if (known) return timingSafeEqual(known, digest) ? toRecord(row) : undefined;
    const done = slowCheck(parsed.keyId);
    const matched = await secretMatches(parsed.secret, row.secret_hash).catch((error: unknown) => {
      done(false);
      throw error;
    });
    done(matched);
    if (!matched) return undefined;
    if (this.verified.size >= MAX_REMEMBERED) this.verified.clear();
    this.verified.set(parsed.keyId, digest);
    return toRecord(row);
  }
}
