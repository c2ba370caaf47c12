import { enqueueOutbound, migrateReadStore, readOutbound, type ReadStore } from '@heard/read-store';
import { describeOnEachReadStore } from '../../../test/support/read-stores';
import { testOutboundMessage } from '../../read-store/src/testing/outbox.contract';
import { InProcessTransport } from './in-process/in-process-transport';
import { OutboxRelay } from './outbox-relay';
import { topicNames } from './topics';
import type { Message } from './transport.port';

/** A broker that refuses the first send, as one that is down for a moment. */
class FlakyTransport extends InProcessTransport {
  failures = 1;
  override send(topic: string, messages: Message[]) {
    if (this.failures-- > 0) return Promise.reject(new Error('broker unavailable'));
    return super.send(topic, messages);
  }
}

describeOnEachReadStore('OutboxRelay', (site) => {
  it('sends every pending message once the transport takes it, in order, and marks it sent', async () => {
    const reads = site.open();
    await migrateReadStore(reads);
    await reads.transaction((tx) =>
      enqueueOutbound(
        tx,
        ['cust-1', 'cust-2', 'cust-1'].map((customerId, i) => ({
          id: `notice-${i}`,
          topic: 'follow-ups' as const,
          type: 'heard.notice.test',
          key: customerId,
          subject: 'issue-i1',
          time: '2026-05-01T00:00:00.000Z',
          data: { i },
        })),
      ),
    );
    const transport = new FlakyTransport();
    const errors: string[] = [];
    const relay = new OutboxRelay(reads, transport, {
      intervalMs: 50,
      topics: topicNames('t'),
      logger: { error: (message) => errors.push(message) },
    });
    await relay.start();
    const until = Date.now() + 5000;
    while ((await readOutbound(reads, { status: 'pending', limit: 10 })).length > 0) {
      if (Date.now() > until) throw new Error('the outbox was not relayed');
      await new Promise((r) => setTimeout(r, 20));
    }
    await relay.stop();

    expect(errors).toHaveLength(1);
    const sent = transport.messages('t.follow-ups');
    expect(sent.map((m) => [m.headers.ce_id, m.key])).toEqual([
      ['notice-0', 'cust-1'],
      ['notice-1', 'cust-2'],
      ['notice-2', 'cust-1'],
    ]);
    expect(sent[0]!.headers).toMatchObject({
      ce_type: 'heard.notice.test',
      ce_source: 'heard/follow-ups',
    });
    expect(relay.status().relayed).toBe(3);
    await reads.close();
  });

  it('never lets two relays on one outbox send the same message, and loses none', async () => {
    // Two connections to one store: two heard processes sharing a read store.
    const stores: ReadStore[] = [site.open(), site.open()];
    await migrateReadStore(stores[0]!);
    const ids = Array.from({ length: 400 }, (_, i) => `m-${i}`);
    await stores[0]!.transaction((tx) =>
      enqueueOutbound(
        tx,
        ids.map((id, i) => testOutboundMessage(id, i)),
      ),
    );
    const transports = stores.map(() => new InProcessTransport());
    const relays = stores.map(
      (store, i) =>
        new OutboxRelay(store, transports[i]!, {
          intervalMs: 60_000,
          batchSize: 25,
          topics: topicNames('t'),
        }),
    );
    const deadline = Date.now() + 20_000;
    const drain = async (relay: OutboxRelay) => {
      while (Date.now() < deadline) {
        // The other relay may hold the write lock a moment: try again, as the next pass would.
        const sent = await relay.relayOnce().catch(() => -1);
        if (sent === 0) return;
        await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all(relays.map(drain));
    const sent = transports.flatMap((t) =>
      t.messages('t.account-alerts').map((m) => m.headers.ce_id),
    );
    expect(sent.sort()).toEqual([...ids].sort());
    expect(transports.every((t) => t.messages('t.account-alerts').length > 0)).toBe(true);
    expect(await readOutbound(stores[0]!, { status: 'pending', limit: 10 })).toEqual([]);
    for (const store of stores) await store.close();
  });
});
