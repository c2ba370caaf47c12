import { StoreUnreachable } from '@heard/config';
import { openEventStore } from '../open-event-store';

// The real client, and no server: what can be checked here (the suite against a server is test/esdb).
describe('EsdbEventStore without a server', () => {
  it('stops the start when nothing answers, naming the setting and not the password', async () => {
    const refused = await openEventStore({
      kind: 'esdb',
      url: 'esdb://admin:changeit@127.0.0.1:1?tls=false',
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreUnreachable);
    expect((refused as Error).message).toMatch(
      /^HEARD_EVENT_STORE: esdb at 127\.0\.0\.1:1 does not answer \(.*ECONNREFUSED/,
    );
    expect((refused as Error).message).not.toContain('changeit');
  });
});
