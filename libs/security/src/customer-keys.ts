import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';
import {
  chunks,
  migratedOnce,
  migrateReadStore,
  placeholders,
  type ReadStore,
} from '@heard/read-store';
import { StartRefused } from '@heard/config';
import { deriveKey } from './master-key';

/**
 * A new customer's key could not be stored (the read store is locked or unreachable): the
 * command that needed it is refused, nothing written, and may be retried.
 */
export class CustomerKeysUnavailable extends Error {
  override readonly name = 'CustomerKeysUnavailable';
  constructor(cause: unknown) {
    super(
      `A new customer's data key could not be stored in the read store (${
        cause instanceof Error ? cause.message : String(cause)
      }); nothing was written, retry in a moment`,
    );
  }
}

/** The master key given is not the one the customers' keys were wrapped with. */
export class MasterKeyMismatch extends StartRefused {
  override readonly name = 'MasterKeyMismatch';
  constructor() {
    super(
      "HEARD_MASTER_KEY (or master.key in the data folder) does not open the customers' keys in HEARD_READ_STORE: it is not the master key they were made with. Give the same master key as the instance that made them; without it no customer's words can be read.",
    );
  }
}

/** How long a process trusts a customer's key it read: another instance may erase it. */
const KEY_TTL_MS = 5_000;
const MAX_CACHED = 50_000;

interface Row {
  wrapped_key: string | null;
}

const IV_BYTES = 12;
/**
 * Random IVs drawn 512 at a time: one call into the system's random source per 512 seals
 * instead of one each (every customer's text is sealed, so that call is on every command's path).
 * Every IV is still fresh random bytes, each used once.
 */
const ivPool = Buffer.alloc(IV_BYTES * 512);
let ivAt = ivPool.length;
const nextIv = (): Buffer => {
  if (ivAt === ivPool.length) {
    randomFillSync(ivPool);
    ivAt = 0;
  }
  // No copy: seal is synchronous and copies it into its output before the pool is drawn again.
  const iv = ivPool.subarray(ivAt, ivAt + IV_BYTES);
  ivAt += IV_BYTES;
  return iv;
};

/** AES-256-GCM: 12-byte IV, 16-byte tag, `iv|ciphertext|tag` in base64url. */
export const seal = (key: Buffer, plaintext: string, context: string): string => {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
};

export const unseal = (key: Buffer, sealed: string, context: string): string => {
  const bytes = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([
    decipher.update(bytes.subarray(12, bytes.length - 16)),
    decipher.final(),
  ]).toString('utf8');
};

/**
 * Each customer's own data key (AES-256), kept in the read store's database wrapped by a key
 * derived from the master key. Erasing a customer destroys theirs: what was sealed with it
 * can never be read again, wherever a copy of the ciphertext went.
 */
export class CustomerKeys {
  private readonly wrapping: Buffer;
  private readonly cache = new Map<string, { key: Buffer | null; at: number }>();

  constructor(
    private readonly store: ReadStore,
    masterKey: Buffer,
  ) {
    this.wrapping = deriveKey(masterKey, 'customer keys');
  }

  /** Refuses a master key that does not open the keys already here (a start with the wrong one). */
  async check(): Promise<void> {
    await migratedOnce(this.store);
    const [row] = await this.store.query<{ customer_id: string; wrapped_key: string }>(
      'SELECT customer_id, wrapped_key FROM customer_keys WHERE wrapped_key IS NOT NULL LIMIT 1',
    );
    if (!row) return;
    try {
      unseal(this.wrapping, row.wrapped_key, row.customer_id);
    } catch {
      throw new MasterKeyMismatch();
    }
  }

  /** The customer's key, made on first use; null when the customer was erased. */
  async keyFor(customerId: string): Promise<Buffer | null> {
    const known = await this.find(customerId);
    if (known !== undefined) return known;
    const key = randomBytes(32);
    try {
      await this.store.transaction((tx) =>
        tx.execute(
          `INSERT INTO customer_keys (customer_id, wrapped_key, created_at) VALUES (?, ?, ?)
           ON CONFLICT (customer_id) DO NOTHING`,
          [
            customerId,
            seal(this.wrapping, key.toString('base64'), customerId),
            new Date().toISOString(),
          ],
        ),
      );
    } catch (error) {
      throw new CustomerKeysUnavailable(error);
    }
    // Another writer may have made one first: theirs is the key.
    this.cache.delete(customerId);
    return (await this.find(customerId)) ?? null;
  }

  /** Which of these customers have a key row (an erased one keeps its tombstone): one query a 500. */
  async present(customerIds: readonly string[]): Promise<Set<string>> {
    await migratedOnce(this.store);
    const found = new Set<string>();
    for (const chunk of chunks([...customerIds], 500)) {
      const rows = await this.store.query<{ customer_id: string }>(
        `SELECT customer_id FROM customer_keys WHERE customer_id IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const row of rows) found.add(row.customer_id);
    }
    return found;
  }

  /** The customer's key; null when erased; undefined when none was ever made. */
  async find(customerId: string): Promise<Buffer | null | undefined> {
    const cached = this.cache.get(customerId);
    if (cached && (cached.key === null || Date.now() - cached.at < KEY_TTL_MS)) return cached.key;
    await migratedOnce(this.store);
    const [row] = await this.store.query<Row>(
      'SELECT wrapped_key FROM customer_keys WHERE customer_id = ?',
      [customerId],
    );
    if (!row) return undefined;
    const key =
      row.wrapped_key === null
        ? null
        : Buffer.from(unseal(this.wrapping, row.wrapped_key, customerId), 'base64');
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(customerId, { key, at: Date.now() });
    return key;
  }

  /** Destroys the customer's key (made destroyed when there was none); returns when it was erased. */
  async erase(customerId: string): Promise<string> {
    await migratedOnce(this.store);
    const now = new Date().toISOString();
    await this.store.transaction((tx) =>
      tx.execute(
        `INSERT INTO customer_keys (customer_id, wrapped_key, created_at, erased_at) VALUES (?, NULL, ?, ?)
         ON CONFLICT (customer_id) DO UPDATE SET wrapped_key = NULL,
           erased_at = COALESCE(customer_keys.erased_at, excluded.erased_at)`,
        [customerId, now, now],
      ),
    );
    this.cache.set(customerId, { key: null, at: Date.now() });
    const [row] = await this.store.query<{ erased_at: string }>(
      'SELECT erased_at FROM customer_keys WHERE customer_id = ?',
      [customerId],
    );
    return row!.erased_at;
  }
}

/**
 * Customers' keys (and erasures) from one read store into another, for `heard store copy`:
 * the copied events stay sealed, and open on the target only with the same keys and the same
 * master key. A key the target already has is kept; an erasure is carried over.
 */
export const copyCustomerKeys = async (from: ReadStore, to: ReadStore): Promise<number> => {
  await migrateReadStore(from);
  await migrateReadStore(to);
  const rows = await from.query<{
    customer_id: string;
    wrapped_key: string | null;
    created_at: string;
    erased_at: string | null;
  }>('SELECT customer_id, wrapped_key, created_at, erased_at FROM customer_keys');
  for (let i = 0; i < rows.length; i += 500)
    await to.transaction(async (tx) => {
      for (const row of rows.slice(i, i + 500))
        await tx.execute(
          `INSERT INTO customer_keys (customer_id, wrapped_key, created_at, erased_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (customer_id) DO UPDATE SET
             wrapped_key = CASE WHEN excluded.erased_at IS NULL THEN customer_keys.wrapped_key ELSE NULL END,
             erased_at = COALESCE(customer_keys.erased_at, excluded.erased_at)`,
          [row.customer_id, row.wrapped_key, row.created_at, row.erased_at],
        );
    });
  return rows.length;
};
