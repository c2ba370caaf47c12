import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, removeDir, tempDataDir } from '../support/heard-app';

/**
 * A new user's first start, as the README tells it: the `heard` command of a clone
 * (`npx heard start`, which `npm start` matches), what it prints, and its refusals.
 */
const root = join(__dirname, '..', '..');
const heardCommand = join(root, 'bin', 'heard.js');
/** The variables of this test run, without heard's settings (the tests' own stay). */
const cleanEnv = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('HEARD_') || name.startsWith('HEARD_TEST_'),
    ),
  );

const startHeard = (env: Record<string, string>) => {
  const child = spawn(process.execPath, [heardCommand, 'start'], {
    cwd: root,
    env: { ...cleanEnv(), HEARD_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const up = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => output.includes('data  ') && resolve(output));
    child.once('exit', (code) => reject(new Error(`heard exited with ${code}:\n${output}`)));
  });
  return { child, up, output: () => output };
};

describe('the first start', () => {
  // Two starts of heard as processes: seconds each on a busy 2-core machine.
  jest.setTimeout(60_000);
  it('says in a few lines where heard is, its screens, its docs and the admin key, and answers its health check', async () => {
    const dir = tempDataDir();
    const port = await freePort();
    const heard = startHeard({ PORT: String(port), HEARD_DATA_DIR: dir });
    try {
      const printed = await heard.up;
      const url = `http://localhost:${port}`;
      expect(printed).toContain(`heard is up on ${url}`);
      expect(printed).toContain(`${url}/app`);
      expect(printed).toContain(`${url}/docs`);
      expect(printed).toContain(`admin key   ${join(dir, 'admin.key')}`);
      // Nest's line per route is at debug, not in a user's first screen.
      expect(printed).not.toMatch(/Mapped \{/);
      expect(printed.trim().split('\n').length).toBeLessThanOrEqual(10);
      // The key it names signs in.
      const key = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
      const me = await fetch(`${url}/me`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(me.status).toBe(200);

      // The image's HEALTHCHECK, as Docker runs it.
      const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
      const check = JSON.parse(
        /HEALTHCHECK[^\n]*\n\s*CMD (\[.*\])/.exec(dockerfile)![1]!,
      ) as string[];
      const healthy = spawnSync(process.execPath, check.slice(1), {
        env: { ...process.env, PORT: String(port) },
      });
      expect(healthy.status).toBe(0);

      // A second heard on the same port is told so, before it opens anything.
      const other = tempDataDir();
      const second = spawnSync(process.execPath, [heardCommand, 'start'], {
        cwd: root,
        env: { ...cleanEnv(), HEARD_HOST: '127.0.0.1', PORT: String(port), HEARD_DATA_DIR: other },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(
        `heard cannot start.\nPORT=${port}: another program listens on that port (another heard?). Stop it, or start on another port: PORT=${port + 1} npm start`,
      );
      expect(second.stderr).not.toMatch(/EADDRINUSE| {4}at /);
      removeDir(other);
    } finally {
      heard.child.kill('SIGTERM');
      await new Promise((resolve) => heard.child.once('exit', resolve));
      removeDir(dir);
    }
  });

  it('refuses a setting it does not know, naming the one meant', () => {
    const refused = spawnSync(process.execPath, [heardCommand, 'start'], {
      cwd: root,
      env: { ...cleanEnv(), HEARD_EVENTSTORE: 'postgres://localhost/heard' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      'HEARD_EVENTSTORE: heard has no such setting; did you mean HEARD_EVENT_STORE?',
    );
  });
});
