import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import {
  getSQLiteEventStore,
  readMessagesBatch,
  sqliteConnection,
} from '@event-driven-io/emmett-sqlite';
import { join } from 'node:path';
import type { Peers } from './contract';

export const peers: Peers = {
  openEmmettSqlite: async (fileName) => {
    const connection = sqliteConnection({ fileName });
    await connection.command('PRAGMA synchronous = FULL');
    // One shared connection: with Emmett's default (a new connection per append), 64
    // concurrent appenders stalled on SQLite's lock (23 events in ten minutes).
    const store = getSQLiteEventStore({
      fileName,
      schema: { autoMigration: 'CreateOrUpdate' },
      connectionOptions: { singleton: true, connection },
    });
    await store.schema.migrate(); // its tables, outside the measurement
    return {
      appendNew: async (streamId, events) => {
        await store.appendToStream(streamId, events, {
          expectedStreamVersion: 'STREAM_DOES_NOT_EXIST',
        });
      },
      readAllCount: async (pageSize) => {
        let after = 0n;
        let seen = 0;
        for (;;) {
          const page = await readMessagesBatch(connection, { after, batchSize: pageSize });
          seen += page.messages.length;
          if (!page.areEventsLeft) return seen;
          after = page.currentGlobalPosition;
        }
      },
      close: async () => connection.close(),
    };
  },

  openEmmettPostgres: async (url) => {
    const store = getPostgreSQLEventStore(url);
    await store.appendToStream('warm-up', [{ type: 'WarmUp', data: {} }]); // makes its tables
    return {
      appendNew: async (streamId, events) => {
        await store.appendToStream(streamId, events, {
          expectedStreamVersion: 'STREAM_DOES_NOT_EXIST',
        });
      },
      close: () => store.close(),
    };
  },

  emmettWebApiScript: join(__dirname, 'emmett-web-api.js'),
};
