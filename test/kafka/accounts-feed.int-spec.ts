import { topicNames } from '@heard/messaging';
import { removeDir, startHeard, tempDataDir } from '../support/heard-app';
import { describeWithKafka, kafkaClient, readTopic, uniquePrefix, waitFor } from '../support/kafka';

describeWithKafka('accounts from a CRM on heard.accounts', (brokers) => {
  jest.setTimeout(60_000);

  it('records each account, once however often the broker delivers it, and dead-letters a bad one naming its field', async () => {
    const prefix = uniquePrefix();
    const topics = topicNames(prefix);
    const dir = tempDataDir();
    const heard = await startHeard(dir, {
      HEARD_KAFKA_BROKERS: brokers.join(','),
      HEARD_KAFKA_TOPIC_PREFIX: prefix,
    });
    try {
      const account = (tier: string) => ({
        key: 'acme',
        headers: { ce_source: 'crm', ce_type: 'com.example.crm.account', ce_id: `acme-${tier}` },
        value: JSON.stringify({
          name: 'Acme GmbH',
          tier,
          annualRevenue: { amount: 120000, currency: 'EUR' },
          ownerId: 'sam',
        }),
      });
      const bad = {
        key: 'bogus',
        headers: { ce_source: 'crm' },
        value: JSON.stringify({
          name: 'Bogus',
          tier: 'smb',
          annualRevenue: { amount: 5, currency: 'EUX' },
          ownerId: 'sam',
        }),
      };
      const producer = kafkaClient(brokers).producer();
      await producer.connect();
      // The smb version sent twice with the same key and offset-free idempotency key: one version.
      const once = {
        ...account('smb'),
        headers: { ...account('smb').headers, 'idempotency-key': 'crm-acme-1' },
      };
      await producer.send({
        topic: topics.accounts,
        messages: [once, once, bad, account('enterprise')],
      });
      await producer.disconnect();

      const latest = await waitFor(async () => {
        const body = (await heard.get('/accounts/acme')).body as { tier?: string };
        return body.tier === 'enterprise' ? body : undefined;
      }, 30_000);
      expect(latest).toMatchObject({
        accountId: 'acme',
        version: 2,
        tier: 'enterprise',
        ownerId: 'sam',
      });
      expect((latest as { versions?: number }).versions).toBe(2);

      const [letter] = await readTopic(brokers, topics.accountsDlq, (m) => m.length >= 1, 30_000);
      const body = JSON.parse(letter!.value);
      expect(letter!.key).toBe('bogus');
      expect(body.reason).toBe('validation_failed');
      expect(body.error.fields.map((f: { field: string }) => f.field)).toEqual([
        'annualRevenue.currency',
      ]);
      expect((await heard.get('/accounts/bogus')).status).toBe(404);
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  });
});
