import { KafkaUnavailable } from '@heard/messaging';
import { removeDir, startHeard, tempDataDir } from '../support/heard-app';

describe('start-up with Kafka configured', () => {
  it('refuses to start when no broker answers, naming the setting', async () => {
    const dir = tempDataDir();
    try {
      // Port 1 on loopback: nothing listens there.
      const start = startHeard(dir, { HEARD_KAFKA_BROKERS: '127.0.0.1:1' });
      await expect(start).rejects.toBeInstanceOf(KafkaUnavailable);
      await expect(start).rejects.toThrow(
        /HEARD_KAFKA_BROKERS=127\.0\.0\.1:1: no Kafka broker answered/,
      );
    } finally {
      removeDir(dir);
    }
  }, 30_000);
});
