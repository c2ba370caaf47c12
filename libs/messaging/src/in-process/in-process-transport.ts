import { messageBytes } from '../cloud-event';
import type { TopicName } from '../topics';
import type {
  Consumer,
  Message,
  BatchHandler,
  MessageTransport,
  ConsumerStatus,
  ReceivedMessage,
  TransportStats,
} from '../transport.port';

interface TopicLog {
  /** Messages dropped from the front: the offset of messages[0]. */
  dropped: number;
  messages: ReceivedMessage[];
  /** messageBytes of each message kept, in order, and their sum. */
  sizes: number[];
  bytes: number;
}

/**
 * The transport of the embedded mode: one ordered log per topic in memory, consumer groups
 * with their own offsets. Nothing outside the process can read it and nothing survives a
 * restart; it lets the same code run without a broker. Beyond what its consumer groups still
 * have to read, a topic keeps its last `retain` messages and at most `retainBytes`, so that a
 * long-running embedded heard does not grow without end (the outbound topics' record is the
 * outbox; what is kept serves tests and a look with a debugger).
 */
export class InProcessTransport implements MessageTransport {
  readonly kind = 'in-process' as const;
  private readonly logs = new Map<string, TopicLog>();
  private readonly offsets = new Map<string, number>();
  private readonly groups = new Map<string, Set<string>>();
  private readonly wakers = new Set<() => void>();
  private readonly counters: TransportStats = { produced: 0, consumed: 0 };
  private readonly statuses = new Set<ConsumerStatus>();

  constructor(
    private readonly retain = 10_000,
    private readonly retainBytes = 8 << 20,
  ) {}

  private log(topic: TopicName): TopicLog {
    let log = this.logs.get(topic);
    if (!log) this.logs.set(topic, (log = { dropped: 0, messages: [], sizes: [], bytes: 0 }));
    return log;
  }

  private trim(topic: TopicName, log: TopicLog): void {
    const keys = [...(this.groups.get(topic) ?? [])];
    const needed = Math.min(...keys.map((k) => this.offsets.get(k) ?? 0), Number.MAX_SAFE_INTEGER);
    let drop = 0;
    let bytes = log.bytes;
    while (
      log.dropped + drop < needed &&
      (log.messages.length - drop > this.retain || bytes > this.retainBytes)
    )
      bytes -= log.sizes[drop++]!;
    if (drop === 0) return;
    log.messages.splice(0, drop);
    log.sizes.splice(0, drop);
    log.bytes = bytes;
    log.dropped += drop;
  }

  ensureTopics(): Promise<void> {
    return Promise.resolve();
  }

  send(topic: TopicName, messages: Message[]): Promise<void> {
    const log = this.log(topic);
    for (const m of messages) {
      log.messages.push({
        ...m,
        topic,
        partition: 0,
        offset: String(log.dropped + log.messages.length),
      });
      const bytes = messageBytes(m);
      log.sizes.push(bytes);
      log.bytes += bytes;
    }
    this.counters.produced += messages.length;
    this.trim(topic, log);
    for (const wake of [...this.wakers]) wake();
    return Promise.resolve();
  }

  /** The messages a topic still holds (for tests). */
  messages(topic: TopicName): readonly ReceivedMessage[] {
    return this.logs.get(topic)?.messages ?? [];
  }

  consume(topic: TopicName, groupId: string, handler: BatchHandler): Promise<Consumer> {
    const key = `${groupId}\u0000${topic}`;
    const groups = this.groups.get(topic) ?? new Set<string>();
    this.groups.set(topic, groups.add(key));
    let running = true;
    let wake: (() => void) | undefined;
    const status: ConsumerStatus = {
      topic,
      groupId,
      state: 'running',
      restarts: 0,
      progressAt: Date.now(),
    };
    this.statuses.add(status);
    const loop = async () => {
      while (running) {
        const log = this.log(topic);
        const at = Math.max(this.offsets.get(key) ?? 0, log.dropped);
        if (at >= log.dropped + log.messages.length) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            this.wakers.add(resolve);
          });
          if (wake) this.wakers.delete(wake);
          continue;
        }
        const batch = log.messages.slice(at - log.dropped, at - log.dropped + 500);
        try {
          await handler(batch);
        } catch (error) {
          // As Kafka would: the batch is delivered again, after a pause.
          status.restarts += 1;
          status.lastError = (error as Error).message;
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(100 * status.restarts, 5000)),
          );
          continue;
        }
        this.counters.consumed += batch.length;
        this.offsets.set(key, at + batch.length);
        status.progressAt = Date.now();
      }
      status.state = 'stopped';
    };
    const done = loop();
    return Promise.resolve({
      stop: async () => {
        running = false;
        wake?.();
        await done;
        this.statuses.delete(status);
      },
    });
  }

  check(): Promise<{ up: boolean; detail: string }> {
    return Promise.resolve({ up: true, detail: 'in-process transport (no broker configured)' });
  }

  lag(groupId: string, topic: TopicName): Promise<number> {
    const log = this.log(topic);
    return Promise.resolve(
      log.dropped + log.messages.length - (this.offsets.get(`${groupId}\u0000${topic}`) ?? 0),
    );
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  consumers(): ConsumerStatus[] {
    return [...this.statuses].map((s) => ({ ...s }));
  }

  close(): Promise<void> {
    for (const wake of [...this.wakers]) wake();
    return Promise.resolve();
  }
}
