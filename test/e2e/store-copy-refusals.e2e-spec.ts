import { join } from 'node:path';
import { removeDir, runCli, tempDataDir } from '../support/heard-app';

const copy = (dir: string, ...args: string[]) =>
  runCli(['store', 'copy', ...args], { HEARD_DATA_DIR: dir }, 60_000);

describe('heard store copy refuses plainly', () => {
  let dir: string;
  beforeEach(() => (dir = tempDataDir()));
  afterEach(() => removeDir(dir));

  it('a target that does not answer, naming the option and not the password', () => {
    const run = copy(dir, '--to', 'esdb://admin:changeit@127.0.0.1:1?tls=false');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^heard: --to: esdb at 127\.0\.0\.1:1 does not answer/);
    expect(run.stderr).not.toContain('changeit');
  });

  it('a copy onto its own source', () => {
    const run = copy(dir, '--from', join(dir, 'events.db'), '--to', join(dir, 'events.db'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('heard: heard store copy: --from and --to name the same store');
  });
});
