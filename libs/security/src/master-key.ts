import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { storesAreShared, StartRefused, type HeardConfig } from '@heard/config';

const MASTER_KEY_FILE = 'master.key';

class MasterKeyUnreadable extends StartRefused {
  override readonly name = 'MasterKeyUnreadable';
}

/**
 * The installation's master key: HEARD_MASTER_KEY when given (required when the stores are
 * shared, so that every instance holds the same); else master.key in the data folder, made
 * on the first start and readable by its owner only. It wraps every customer's key: losing
 * it loses every customer's words.
 */
export const resolveMasterKey = (
  config: Pick<HeardConfig, 'auth' | 'dataDir' | 'eventStore' | 'readStore'>,
): Buffer => {
  if (config.auth.masterKey) return config.auth.masterKey;
  if (storesAreShared(config))
    throw new MasterKeyUnreadable('HEARD_MASTER_KEY: required when the stores are on servers');
  const file = join(config.dataDir, MASTER_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    // wx: two processes racing on a first start cannot both write one.
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32)
    throw new MasterKeyUnreadable(
      `${file}: not a master key (32 bytes in base64); restore it from your backup`,
    );
  return key;
};

/** A key for one purpose, derived from the master key (HKDF-SHA256): no purpose learns another's. */
export const deriveKey = (masterKey: Buffer, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `heard ${purpose}`, 32));

/**
 * Stable stand-ins for customer and account ids on the lists an analyst reads: the same id
 * always gets the same pseudonym (so counts and joins hold), and none can be turned back.
 */
export class Pseudonyms {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = deriveKey(masterKey, 'pseudonyms');
  }

  of(id: string): string {
    return `pseudo-${createHmac('sha256', this.key).update(id).digest('hex').slice(0, 20)}`;
  }

  private hide(text: string, person: string): string {
    return personSegments(text, person, this.of(person));
  }

  /** The value with every customer and account id in it replaced by its pseudonym. */
  apply<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    const record = value as Record<string, unknown>;
    // An outbound message names its person in its key, and again inside its id and subject.
    const person =
      KEYED_BY_PERSON.has(record.topic as string) && typeof record.key === 'string'
        ? record.key
        : undefined;
    for (const [key, field] of Object.entries(record)) {
      if (IDENTIFYING.has(key) && typeof field === 'string') out[key] = this.of(field);
      else if (
        person !== undefined &&
        (key === 'id' || key === 'subject') &&
        typeof field === 'string'
      )
        out[key] = this.hide(field, person);
      else if (IDENTIFYING_LISTS.has(key) && Array.isArray(field))
        out[key] = (field as unknown[]).map((id) => (typeof id === 'string' ? this.of(id) : id));
      // An outbound message's key is its customer (follow-ups) or account (alerts).
      else if (
        key === 'key' &&
        typeof field === 'string' &&
        KEYED_BY_PERSON.has(record.topic as string)
      )
        out[key] = this.of(field);
      else out[key] = this.walk(field);
    }
    return out;
  }
}

/** `fix-shipped:<event>:<customer>` and `account-<account>` with the person's pseudonym. */
const personSegments = (text: string, person: string, pseudonym: string): string =>
  text
    .split(':')
    .map((segment) =>
      segment === person
        ? pseudonym
        : segment === `account-${person}`
          ? `account-${pseudonym}`
          : segment,
    )
    .join(':');

const IDENTIFYING = new Set(['customerId', 'accountId']);
const IDENTIFYING_LISTS = new Set(['customerIds', 'affectedCustomerIds', 'accountIds']);
const KEYED_BY_PERSON = new Set(['follow-ups', 'account-alerts']);
