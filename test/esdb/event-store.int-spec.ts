import { randomUUID } from 'node:crypto';
import { EsdbEventStore } from '@heard/event-store';
import {
  describeEventStoreContract,
  newEvent,
} from '../../libs/event-store/src/testing/event-store.contract';
import { describeWithEsdb } from '../support/esdb';

describeWithEsdb('EsdbEventStore', (url) => {
  // The server is shared and never emptied: each run's streams are its own, and $all is
  // read from the head as it was when the run began.
  describeEventStoreContract('EventStoreDB', () => {
    const store = new EsdbEventStore(url);
    return Promise.resolve({ store, teardown: () => store.close() });
  });

  it('answers a command retried through another client with its first result, once', async () => {
    const [a, b] = [new EsdbEventStore(url), new EsdbEventStore(url)];
    try {
      // The server is never emptied: count from where it stood, not from its start.
      const before = await a.head();
      const stream = `case-${randomUUID()}`;
      const commandId = randomUUID();
      const first = await a.append(stream, [newEvent('CaseOpened', {}, commandId)], {
        expectedRevision: 'no_stream',
        commandId,
      });
      const retried = await b.append(stream, [newEvent('CaseOpened', {}, commandId)], {
        expectedRevision: 'no_stream',
        commandId,
      });
      expect(retried).toEqual({ ...first, duplicate: true });
      expect(await b.readStream(stream)).toHaveLength(1);
      expect(await a.countAfter(before)).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
