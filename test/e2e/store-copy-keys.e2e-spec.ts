import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, runCli, startHeard, tempDataDir, TEST_MASTER_KEY } from '../support/heard-app';

const WORDS = 'The lid leaks after three weeks';

const copy = (dataDir: string, ...args: string[]) =>
  runCli(['store', 'copy', ...args], {
    HEARD_DATA_DIR: dataDir,
    HEARD_MASTER_KEY: TEST_MASTER_KEY,
    CI: 'true',
  });

/** `store copy` from a data folder's events.db to `to`. */
const copyFrom = (dataDir: string, to: string) =>
  copy(dataDir, '--from', join(dataDir, 'events.db'), '--to', to);

/** A customer's words as heard shows them on the case. */
const summaryOn = async (dir: string) => {
  const heard = await startHeard(dir);
  try {
    const answer = await heard.get('/cases/c-keys');
    expect(answer.status).toBe(200);
    return answer.body.summary as string;
  } finally {
    await heard.stop();
  }
};

describe("heard store copy keeps the customers' words readable", () => {
  jest.setTimeout(120_000);
  let source: string;
  const made: string[] = [];
  const dir = () => {
    const d = tempDataDir();
    made.push(d);
    return d;
  };

  beforeAll(async () => {
    source = dir();
    const heard = await startHeard(source);
    const opened = await heard.post('/cases', {
      caseId: 'c-keys',
      customerId: 'cust-keys',
      channel: 'chat',
      category: 'defect',
      summary: WORDS,
    });
    expect(opened.status).toBe(201);
    await heard.stop();
  });
  afterAll(() => made.forEach(removeDir));

  it('carries the keys to read-models.db beside a SQLite target without --read-store, and heard reads the words there', async () => {
    const target = dir();
    const run = copyFrom(source, join(target, 'events.db'));
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain(
      `customer keys: 1 carried over to sqlite:${join(target, 'read-models.db')}`,
    );
    expect(await summaryOn(target)).toBe(WORDS);
  });

  it('refuses a copy whose source keys cannot be found, naming the option, and writes nothing', () => {
    const eventsOnly = dir();
    copyFileSync(join(source, 'events.db'), join(eventsOnly, 'events.db'));
    const target = dir();
    const run = copyFrom(eventsOnly, join(target, 'events.db'));
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('no read store with their keys was found');
    expect(run.stderr).toContain('--from-read-store');
    expect(existsSync(join(target, 'events.db'))).toBe(false);
  });

  it('refuses an EventStoreDB target without --read-store before connecting to it', () => {
    const run = copyFrom(source, 'esdb://127.0.0.1:1?tls=false');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('name one with --read-store');
  });

  it('heard refuses to start on events whose keys its read store lacks, naming the cause', async () => {
    const eventsOnly = dir();
    mkdirSync(eventsOnly, { recursive: true });
    copyFileSync(join(source, 'events.db'), join(eventsOnly, 'events.db'));
    await expect(startHeard(eventsOnly)).rejects.toThrow(
      /sealed words whose keys are not in HEARD_READ_STORE: 1 of the 1 customers/,
    );
  });

  it('still starts on a store whose only customer was erased (the erasure is no lost key)', async () => {
    const target = dir();
    expect(copyFrom(source, join(target, 'events.db')).status).toBe(0);
    const heard = await startHeard(target);
    try {
      const erased = await heard.post('/customers/cust-keys/erasure');
      expect(erased.status).toBe(200);
    } finally {
      await heard.stop();
    }
    expect(await summaryOn(target)).toBe('[erased]');
  });
});
