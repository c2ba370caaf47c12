import type { TopicName } from '../topics';
import type {
  Consumer,
  Message,
  BatchHandler,
  MessageTransport,
  ReceivedMessage,
  TransportStats,
} from '../transport.port';

/**
 * The transport of the embedded mode: one ordered log per topic in memory, consumer groups
 * with their own offsets. Nothing outside the process can read it and nothing survives a
 * restart; it lets the same code run without a broker.
 */
export class InProcessTransport implements MessageTransport {
  readonly kind = 'in-process' as const;
  private readonly logs = new Map<string, ReceivedMessage[]>();
  private readonly offsets = new Map<string, number>();
  private readonly wakers = new Set<() => void>();
  private readonly counters: TransportStats = { produced: 0, consumed: 0 };

  ensureTopics(): Promise<void> {
    return Promise.resolve();
  }

  send(topic: TopicName, messages: Message[]): Promise<void> {
    const log = this.logs.get(topic) ?? [];
    this.logs.set(topic, log);
    for (const m of messages) log.push({ ...m, topic, partition: 0, offset: String(log.length) });
    this.counters.produced += messages.length;
    for (const wake of [...this.wakers]) wake();
    return Promise.resolve();
  }

  /** Every message of a topic so far (for tests and the embedded read side). */
  messages(topic: TopicName): readonly ReceivedMessage[] {
    return this.logs.get(topic) ?? [];
  }

  consume(topic: TopicName, groupId: string, handler: BatchHandler): Promise<Consumer> {
    const key = `${groupId}\u0000${topic}`;
    let running = true;
    let wake: (() => void) | undefined;
    const loop = async () => {
      while (running) {
        const log = this.logs.get(topic) ?? [];
        const at = this.offsets.get(key) ?? 0;
        if (at >= log.length) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            this.wakers.add(resolve);
          });
          if (wake) this.wakers.delete(wake);
          continue;
        }
        const batch = log.slice(at, at + 500);
        await handler(batch);
        this.counters.consumed += batch.length;
        this.offsets.set(key, at + batch.length);
      }
    };
    const done = loop();
    return Promise.resolve({
      stop: async () => {
        running = false;
        wake?.();
        await done;
      },
    });
  }

  check(): Promise<{ up: boolean; detail: string }> {
    return Promise.resolve({ up: true, detail: 'in-process transport (no broker configured)' });
  }

  lag(groupId: string, topic: TopicName): Promise<number> {
    return Promise.resolve(
      (this.logs.get(topic)?.length ?? 0) - (this.offsets.get(`${groupId}\u0000${topic}`) ?? 0),
    );
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  close(): Promise<void> {
    for (const wake of [...this.wakers]) wake();
    return Promise.resolve();
  }
}
