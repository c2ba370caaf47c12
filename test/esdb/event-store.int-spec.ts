import { randomUUID } from 'node:crypto';
import { EsdbEventStore } from '@heard/event-store';
import {
  describeEventStoreContract,
  newEvent,
} from '../../libs/event-store/src/testing/event-store.contract';
import { describeWithEsdb } from '../support/esdb';

/** The server's URL with heard's streams under `prefix`. */
const under = (url: string, prefix: string) =>
  `${url}${url.includes('?') ? '&' : '?'}heardStreamPrefix=${prefix}`;

describeWithEsdb('EsdbEventStore', (url) => {
  // The server is shared and never emptied: each run's streams are under a prefix of its own,
  // and $all is read from the head as it was when the run began.
  const runPrefix = `heard-test-${randomUUID().slice(0, 8)}-`;
  describeEventStoreContract('EventStoreDB', () => {
    const store = new EsdbEventStore(under(url, runPrefix));
    return Promise.resolve({ store, teardown: () => store.close() });
  });

  it('answers a command retried through another client with its first result, once', async () => {
    const prefix = `heard-test-${randomUUID().slice(0, 8)}-`;
    const [a, b] = [new EsdbEventStore(under(url, prefix)), new EsdbEventStore(under(url, prefix))];
    try {
      // Streams of a prefix of its own, counted from a first event of its own: no other run's
      // or application's events can be counted, and nothing before it is read.
      const { position: before } = await a.append(
        `case-${randomUUID()}`,
        [newEvent('CaseOpened', {})],
        {
          expectedRevision: 'no_stream',
        },
      );
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
