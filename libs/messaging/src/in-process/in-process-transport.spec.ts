import { InProcessTransport } from './in-process-transport';
import type { ReceivedMessage } from '../transport.port';

const message = (i: number) => ({ key: `k${i % 3}`, value: String(i), headers: {} });

describe('InProcessTransport', () => {
  it('keeps only the last messages of a topic nobody consumes', async () => {
    const transport = new InProcessTransport(10);
    await transport.send(
      't',
      Array.from({ length: 25 }, (_, i) => message(i)),
    );
    const kept = transport.messages('t');
    expect(kept.map((m) => m.value)).toEqual(Array.from({ length: 10 }, (_, i) => String(15 + i)));
    expect(kept[0]!.offset).toBe('15');
  });

  it('keeps at most its byte bound of a topic nobody consumes', async () => {
    const big = (i: number) => ({ key: 'k', value: String(i).padEnd(1000, '.'), headers: {} });
    // messageBytes of each: 64 + 1 + 1000
    const transport = new InProcessTransport(10_000, 5 * 1065);
    await transport.send(
      't',
      Array.from({ length: 12 }, (_, i) => big(i)),
    );
    expect(transport.messages('t').map((m) => m.offset)).toEqual(['7', '8', '9', '10', '11']);
  });

  it('drops nothing a consumer group has still to read, and delivers all of it in order', async () => {
    const transport = new InProcessTransport(5);
    const seen: ReceivedMessage[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const consumer = await transport.consume('t', 'g', async (batch) => {
      await gate;
      seen.push(...batch);
    });
    await transport.send(
      't',
      Array.from({ length: 20 }, (_, i) => message(i)),
    );
    expect(transport.messages('t')).toHaveLength(20);
    release();
    while (seen.length < 20) await new Promise((r) => setTimeout(r, 5));
    expect(seen.map((m) => m.value)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    await transport.send('t', [message(20)]);
    expect(transport.messages('t').map((m) => m.value)).toEqual(['16', '17', '18', '19', '20']);
    await consumer.stop();
  });
});
