import { PostgresReadStore, numberPlaceholders } from '@heard/read-store';
import { describeOutboxContract } from '../../libs/read-store/src/testing/outbox.contract';
import { describeReadStoreContract } from '../../libs/read-store/src/testing/read-store.contract';
import { describeWithPostgres, dropSchema, uniqueSchema } from '../support/postgres';

describe('numberPlaceholders', () => {
  it('numbers ? outside quoted text', () => {
    expect(numberPlaceholders(`SELECT ? AS a, '?' AS b, "?x" AS c FROM t WHERE k IN (?, ?)`)).toBe(
      `SELECT $1 AS a, '?' AS b, "?x" AS c FROM t WHERE k IN ($2, $3)`,
    );
  });
});

describeWithPostgres('PostgresReadStore', (url) => {
  describeReadStoreContract('PostgreSQL', () => {
    const schema = uniqueSchema();
    const store = new PostgresReadStore({ url, schema });
    return Promise.resolve({
      store,
      teardown: async () => {
        await store.close();
        await dropSchema(url, schema);
      },
    });
  });

  describeOutboxContract('PostgreSQL', () => {
    const schema = uniqueSchema();
    const stores = [
      new PostgresReadStore({ url, schema }),
      new PostgresReadStore({ url, schema }),
    ] as const;
    return Promise.resolve({
      stores: [...stores],
      teardown: async () => {
        for (const store of stores) await store.close();
        await dropSchema(url, schema);
      },
    });
  });
});
