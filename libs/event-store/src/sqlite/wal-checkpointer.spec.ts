import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startWalCheckpointer } from './wal-checkpointer';

describe('startWalCheckpointer', () => {
  it('survives a file it cannot open (a folder removed under it): it says so, and stops cleanly', async () => {
    const errors: string[] = [];
    const checkpointer = startWalCheckpointer(
      join(tmpdir(), `heard-missing-${process.pid}`, 'nope', 'events.db'),
      50,
      (error) => errors.push(error.message),
    );
    const deadline = Date.now() + 10_000;
    while (errors.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors[0]).toMatch(/directory does not exist/);
    await checkpointer.stop();
  });
});
