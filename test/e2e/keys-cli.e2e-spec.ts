import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, tempDataDir, distApps, freePort } from '../support/heard-app';

/**
 * What a new user does: start heard with no settings, read the admin key its first start
 * wrote, load the demo with it, and hand out keys from the CLI while heard serves.
 */
describe('the bootstrap key, the demo and heard keys, as processes', () => {
  jest.setTimeout(120_000);

  it('loads the demo with the key the first start wrote, and makes and revokes keys from the CLI while heard serves', async () => {
    const dir = tempDataDir();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, HEARD_DATA_DIR: dir, HEARD_LOG_LEVEL: 'warn' };
    delete env.HEARD_ADMIN_KEY;
    const heard: ChildProcess = spawn(
      process.execPath,
      [join(distApps, 'heard', 'src', 'main.js')],
      {
        env: { ...env, PORT: String(port), HEARD_HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(distApps, 'cli', 'src', 'main.js'), ...args], {
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
    try {
      await new Promise<void>((resolve, reject) => {
        heard.stdout!.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('heard is up on')) resolve();
        });
        heard.once('exit', (code) => reject(new Error(`heard exited with ${code}`)));
      });
      const admin = readFileSync(join(dir, 'admin.key'), 'utf8').trim();
      expect(admin).toMatch(/^heard_[0-9a-f]{16}_/);

      const demo = cli('demo', '--url', url, '--customers', '20');
      expect(demo.stderr).toBe('');
      expect(demo.status).toBe(0);
      expect(demo.stdout).toMatch(
        /accepted, 0 already loaded \(same idempotency keys: nothing appended\), 0 refused/,
      );
      // The demo wrote as upstream apps (acting for the agents; the product team's), and their
      // keys are revoked now.
      const listed = cli('keys', 'list');
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(/\tdemo-loader\tintegration\trevoked /);
      expect(listed.stdout).toMatch(/\tdemo-product\tproduct\trevoked /);
      expect(listed.stdout).toMatch(/\tadmin\tadmin\tlive\t/);

      const made = cli('keys', 'create', '--name', 'ana', '--role', 'agent');
      expect(made.status).toBe(0);
      const token = made.stdout.trim();
      const keyId = /^heard_([0-9a-f]{16})_/.exec(token)![1]!;
      const me = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(await me.json()).toMatchObject({ id: 'ana', roles: ['agent'] });
      const timeline = await fetch(`${url}/customers/cust-000001/timeline`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const entries = ((await timeline.json()) as { entries: Array<{ actor: string }> }).entries;
      // An agent via the app where the command names one (a contact), else the app itself.
      expect(entries.some((e) => / via key:demo-loader$/.test(e.actor))).toBe(true);
      for (const { actor } of entries)
        expect(actor).toMatch(
          /^(agent:[\w-]+ via key:demo-loader|app:key:demo-loader|agent:key:demo-product)$/,
        );

      expect(cli('keys', 'create', '--name', 'ana', '--role', 'agent').status).toBe(1);
      expect(cli('keys', 'create', '--name', 'bo', '--role', 'chief').stderr).toContain(
        '--role must be one of agent, supervisor, analyst, product, integration, sales, admin',
      );
      expect(cli('keys', 'revoke', keyId).status).toBe(0);
      // Revoked by another process: refused at once.
      expect(
        (await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(401);
    } finally {
      const exited = new Promise((resolve) => heard.once('exit', resolve));
      heard.kill('SIGTERM');
      await exited;
      removeDir(dir);
    }
  });
});
