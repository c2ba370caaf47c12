import { ERASED, personalFieldsOf, streamIds } from '@heard/domain';
import type {
  AppendOptions,
  AppendResult,
  Checkpoint,
  EventStore,
  NewEvent,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '@heard/event-store';
import { StartRefused } from '@heard/config';
import { START } from '@heard/event-store';
import { seal, unseal, type CustomerKeys } from './customer-keys';

/** A sealed field: `pd1.<customer id, base64url>.<AES-256-GCM of the text>`. */
const SEALED = /^pd1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/** The event's sealed fields: name, customer and ciphertext of each. */
const sealedFieldsOf = (event: RecordedEvent): Array<[string, string, string]> => {
  const fields = personalFieldsOf(event.type);
  if (fields.length === 0 || !event.data || typeof event.data !== 'object') return [];
  const out: Array<[string, string, string]> = [];
  for (const field of fields) {
    const value = (event.data as Record<string, unknown>)[field];
    const match = typeof value === 'string' ? SEALED.exec(value) : null;
    if (match) out.push([field, Buffer.from(match[1]!, 'base64url').toString('utf8'), match[2]!]);
  }
  return out;
};

/** How many of the oldest events the key check reads: a copy made without keys lacks them all. */
const KEY_CHECK_EVENTS = 1000;

/**
 * The customers whose sealed words the store's oldest events hold, and how many of them have
 * no key at all (an erased customer keeps a tombstone, so erasure is not counted). `keys`
 * undefined: no key store at all, every such customer is missing.
 */
export const sealedCustomersWithoutKeys = async (
  events: EventStore,
  keys: CustomerKeys | undefined,
): Promise<{ sealed: number; missing: string[] }> => {
  const customers = new Set<string>();
  for (const event of await events.readAll({ after: START, limit: KEY_CHECK_EVENTS }))
    for (const [, customerId] of sealedFieldsOf(event)) customers.add(customerId);
  const present = keys ? await keys.present([...customers]) : new Set<string>();
  const missing = [...customers].filter((customerId) => !present.has(customerId));
  return { sealed: customers.size, missing };
};

/** The event store holds customers' sealed words whose keys the read store lacks. */
class CustomerKeysMissing extends StartRefused {
  override readonly name = 'CustomerKeysMissing';
  constructor(missing: number, sealed: number) {
    super(
      `HEARD_EVENT_STORE holds customers' sealed words whose keys are not in HEARD_READ_STORE: ${missing} of the ${sealed} customers in its oldest ${KEY_CHECK_EVENTS} events have no key (nor an erasure). ` +
        'Their words could never be read: heard would show them as [erased]. Start heard on the read store that holds their keys ' +
        '(the one this event store was used with, or the copy `heard store copy` built beside it), or restore it from a backup.',
    );
  }
}

/** Refuses an event store whose sealed words the key store cannot open. */
export const refuseMissingCustomerKeys = async (
  events: EventStore,
  keys: CustomerKeys,
): Promise<void> => {
  const { sealed, missing } = await sealedCustomersWithoutKeys(events, keys);
  if (missing.length > 0) throw new CustomerKeysMissing(missing.length, sealed);
};
const CASE_PREFIX = streamIds.case('');
/** Case streams whose customer this process remembers; past it, it starts over (memory stays bounded). */
const MAX_REMEMBERED_STREAMS = 100_000;

/**
 * The event store as every part of heard sees it: a customer's words are sealed with that
 * customer's own key on the way in, and opened on the way out (ERASED once the key is gone).
 * What the adapters keep, copy and replicate is ciphertext; the rest of heard reads text.
 * Events recorded before heard sealed anything stay as they were.
 */
export class PersonalDataEventStore implements EventStore {
  /** The customer of each case stream this process has appended to or read. */
  private readonly customerOfStream = new Map<string, string>();

  constructor(
    /** The adapter underneath, which keeps the ciphertext. */
    readonly inner: EventStore,
    private readonly keys: CustomerKeys,
  ) {}

  async append(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (!streamId.startsWith(CASE_PREFIX) || !events.some((e) => personalFieldsOf(e.type).length))
      return this.inner.append(streamId, events, options);
    const customerId = await this.customerOf(streamId, events);
    if (customerId === undefined) return this.inner.append(streamId, events, options);
    const key = await this.keys.keyFor(customerId);
    const sealed = events.map((event) => ({
      ...event,
      data: this.sealData(event.type, event.data, customerId, key),
    }));
    return this.inner.append(streamId, sealed, options);
  }

  async readStream(streamId: string, options?: { fromRevision?: number }) {
    return this.open(await this.inner.readStream(streamId, options));
  }

  async readAll(options: { after: Checkpoint; limit: number }) {
    return this.open(await this.inner.readAll(options));
  }

  subscribe(options: SubscribeOptions): Subscription {
    return this.inner.subscribe({
      ...options,
      onBatch: async (events) => options.onBatch(await this.open(events)),
    });
  }

  head() {
    return this.inner.head();
  }
  countAfter(after: Checkpoint) {
    return this.inner.countAfter(after);
  }
  parsePosition(raw: string | number) {
    return this.inner.parsePosition(raw);
  }
  findCommandResult(commandId: string) {
    return this.inner.findCommandResult(commandId);
  }
  close() {
    return this.inner.close();
  }

  /** The case's customer: named by its CaseOpened, in this append or the stream's first event. */
  private async customerOf(streamId: string, events: NewEvent[]): Promise<string | undefined> {
    const opened = events.find((e) => e.type === 'CaseOpened');
    const customerId =
      (opened?.data as { customerId?: string } | undefined)?.customerId ??
      this.customerOfStream.get(streamId) ??
      ((await this.inner.readStream(streamId))[0]?.data as { customerId?: string } | undefined)
        ?.customerId;
    if (customerId) {
      if (this.customerOfStream.size >= MAX_REMEMBERED_STREAMS) this.customerOfStream.clear();
      this.customerOfStream.set(streamId, customerId);
    }
    return customerId;
  }

  private sealData(type: string, data: unknown, customerId: string, key: Buffer | null): unknown {
    const fields = personalFieldsOf(type);
    if (fields.length === 0 || !data || typeof data !== 'object') return data;
    const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
    const tag = Buffer.from(customerId).toString('base64url');
    for (const field of fields) {
      const value = out[field];
      if (typeof value !== 'string') continue;
      // An erased customer's words are never stored, not even sealed.
      out[field] = key ? `pd1.${tag}.${seal(key, value, customerId)}` : ERASED;
    }
    return out;
  }

  private async open(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    // The keys a batch needs, each looked up once; then every field is opened in one pass.
    const keys = new Map<string, Buffer | null>();
    for (const event of events)
      for (const [, customerId] of sealedFieldsOf(event))
        if (!keys.has(customerId)) keys.set(customerId, null);
    if (keys.size === 0) return events;
    for (const customerId of keys.keys())
      keys.set(customerId, (await this.keys.find(customerId)) ?? null);
    return events.map((event) => {
      const sealed = sealedFieldsOf(event);
      if (sealed.length === 0) return event;
      const data: Record<string, unknown> = { ...(event.data as Record<string, unknown>) };
      for (const [field, customerId, ciphertext] of sealed) {
        const key = keys.get(customerId);
        if (key) openOnRead(data, field, () => unseal(key, ciphertext, customerId));
        else data[field] = ERASED;
      }
      return { ...event, data };
    });
  }
}

/**
 * The field opened when something first reads it, then kept: a projection that never shows
 * a customer's words (the KPIs, the case counts) never pays for opening them. The key was
 * looked up with the batch, so what is read is what the customer's key opened then.
 */
const openOnRead = (data: Record<string, unknown>, field: string, open: () => string) => {
  const keep = (value: unknown) =>
    Object.defineProperty(data, field, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  Object.defineProperty(data, field, {
    enumerable: true,
    configurable: true,
    get: () => {
      const text = open();
      keep(text);
      return text;
    },
    set: keep,
  });
};
