import { Database } from '@heard/config';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { OpsListener } from '@heard/api';
import {
  removeDir,
  startHeard,
  tempDataDir,
  TEST_ADMIN_KEY,
  type RunningHeard,
  distApps,
  freePort,
} from '../support/heard-app';

const openCase = (caseId: string) => ({
  caseId,
  customerId: 'cu-1',
  channel: 'phone',
  category: 'billing',
  summary: 'Charged twice',
});

describe('one heard per data folder', () => {
  jest.setTimeout(60_000);

  it('refuses a second heard and a rebuild while the first serves, and the first keeps its lock', async () => {
    const dir = tempDataDir();
    const port = await freePort();
    const env = {
      ...process.env,
      HEARD_DATA_DIR: dir,
      HEARD_HOST: '127.0.0.1',
      HEARD_LOG_LEVEL: 'warn',
    };
    const first = spawn(process.execPath, [join(distApps, 'heard', 'src', 'main.js')], {
      env: { ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        first.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('heard is up on')) resolve();
        });
        first.once('exit', (code) => reject(new Error(`first heard exited with ${code}`)));
      });
      const holder = JSON.parse(readFileSync(join(dir, 'heard.lock.json'), 'utf8')) as {
        pid: number;
      };
      expect(holder.pid).toBe(first.pid);

      const second = spawnSync(process.execPath, [join(distApps, 'heard', 'src', 'main.js')], {
        env: { ...env, PORT: String(await freePort()) },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`in use by heard (pid ${first.pid}`);

      const rebuildWhileServed = () =>
        spawnSync(process.execPath, [join(distApps, 'cli', 'src', 'main.js'), 'rebuild'], {
          env,
          encoding: 'utf8',
          timeout: 30_000,
        });

      const rebuild = rebuildWhileServed();
      expect(rebuild.status).toBe(1);
      expect(rebuild.stderr).toContain(`in use by heard (pid ${first.pid}`);

      // The refused ones left the holder's lock and its note as they were; the first still serves.
      expect(JSON.parse(readFileSync(join(dir, 'heard.lock.json'), 'utf8'))).toEqual(holder);
      // Closed from the first start: the admin key it wrote, readable by its owner only.
      const adminKeyFile = join(dir, 'admin.key');
      expect(statSync(adminKeyFile).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
      const anonymous = await fetch(`http://127.0.0.1:${port}/cases/lock-1`);
      expect(anonymous.status).toBe(401);
      const answer = await fetch(`http://127.0.0.1:${port}/cases`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${readFileSync(adminKeyFile, 'utf8').trim()}`,
        },
        body: JSON.stringify(openCase('lock-1')),
      });
      expect(answer.status).toBe(201);
      const again = rebuildWhileServed();
      expect(again.status).toBe(1);
    } finally {
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGTERM');
      await exited;
    }
    // Released on a clean stop: the rebuild may run now, and the note is gone.
    expect(existsSync(join(dir, 'heard.lock.json'))).toBe(false);
    const rebuild = spawnSync(
      process.execPath,
      [join(distApps, 'cli', 'src', 'main.js'), 'rebuild'],
      {
        env: { ...process.env, HEARD_DATA_DIR: dir },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(rebuild.status).toBe(0);
    removeDir(dir);
  });

  it('frees the folder when the holder is killed with SIGKILL', async () => {
    const dir = tempDataDir();
    const holder = spawn(process.execPath, [join(distApps, 'heard', 'src', 'main.js')], {
      env: {
        ...process.env,
        HEARD_DATA_DIR: dir,
        PORT: String(await freePort()),
        HEARD_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) =>
      holder.stdout.on('data', (c: Buffer) => c.toString().includes('heard is up on') && resolve()),
    );
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    const heard = await startHeard(dir);
    expect((await heard.post('/cases', openCase('after-kill'))).status).toBe(201);
    await heard.stop();
    removeDir(dir);
  });
});

describe('read store schema', () => {
  jest.setTimeout(60_000);

  it('is migrated by heard migrate, and a schema newer than heard stops the start, naming it', async () => {
    const dir = tempDataDir();
    try {
      const env = { ...process.env, HEARD_DATA_DIR: dir, HEARD_LOG_LEVEL: 'warn' };
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, [join(distApps, 'cli', 'src', 'main.js'), ...args], {
          env,
          encoding: 'utf8',
          timeout: 30_000,
        });
      const first = cli('migrate');
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/applied version 1, version 2, version 3, version 4, version 5/);
      expect(cli('migrate').stdout).toMatch(/already at version 5/);

      const db = new Database(join(dir, 'read-models.db'));
      db.exec('UPDATE read_store_schema SET version = 99');
      db.close();
      const start = spawnSync(process.execPath, [join(distApps, 'heard', 'src', 'main.js')], {
        env: { ...env, PORT: String(await freePort()) },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(start.status).toBe(1);
      expect(start.stderr).toContain('heard cannot start');
      expect(start.stderr).toContain('version 99, newer than this heard knows (5)');
    } finally {
      removeDir(dir);
    }
  });
});

describe('readiness', () => {
  jest.setTimeout(60_000);
  let dir: string;
  let heard: RunningHeard;
  let ops: string;
  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir, { HEARD_STALL_AFTER: '2s', HEARD_OPS_PORT: '0' });
    ops = `http://127.0.0.1:${heard.app.get(OpsListener).port}`;
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  it('says degraded, naming the projections, while they have work and cannot move, and ready again after', async () => {
    expect((await heard.get('/health/ready')).status).toBe(200);
    // The customer is known (their data key made) before the read store locks up.
    expect((await heard.post('/cases', openCase('stuck-known'))).status).toBe(201);
    // Another process holds the read models' write lock: every projection batch fails.
    const blocker = new Database(join(dir, 'read-models.db'));
    blocker.exec('BEGIN IMMEDIATE');
    try {
      // A new customer's key cannot be stored meanwhile: refused, retryable, nothing written.
      const newCustomer = await heard.post('/cases', {
        ...openCase('stuck-new'),
        customerId: 'cu-2',
      });
      expect(newCustomer.status).toBe(503);
      expect(newCustomer.body.error).toBe('customer_keys_unavailable');
      expect(newCustomer.headers.get('retry-after')).toBe('1');
      for (let i = 0; i < 5; i++)
        expect((await heard.post('/cases', openCase(`stuck-${i}`))).status).toBe(201);
      const deadline = Date.now() + 30_000;
      let ready = await heard.get('/health/ready');
      while (ready.status === 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        ready = await heard.get('/health/ready');
      }
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.degraded).toContain('projections');
      const summary = await heard.get('/health');
      expect(summary.body.parts.projections.stuck).toContain('case_view');
      expect(summary.status).toBe(200);
      expect(summary.body.status).toBe('degraded');
      const metrics = await fetch(`${heard.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/heard_part_up\{part="projections"\} 0/);
      // Liveness is not readiness: the process answers, do not restart it for this.
      expect((await heard.get('/health/live')).status).toBe(200);
      // The ops port says the same.
      const opsReady = await fetch(`${ops}/health/ready`);
      expect(opsReady.status).toBe(503);
      expect(await opsReady.json()).toMatchObject({
        degraded: expect.arrayContaining(['projections']),
      });
      expect((await fetch(`${ops}/health/live`)).status).toBe(200);
      expect(await fetch(`${ops}/metrics`).then((r) => r.text())).toMatch(
        /heard_part_up\{part="projections"\} 0/,
      );
      // The scheduler's passes fail too (it writes the outbox): named once none succeeded
      // for two of its intervals.
      let scheduler = (await heard.get('/health')).body.parts.scheduler;
      while (scheduler.status === 'up' && Date.now() < deadline + 15_000) {
        await new Promise((r) => setTimeout(r, 250));
        scheduler = (await heard.get('/health')).body.parts.scheduler;
      }
      expect(scheduler).toMatchObject({ status: 'stalled' });
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    const deadline = Date.now() + 30_000;
    let ready = await heard.get('/health/ready');
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      ready = await heard.get('/health/ready');
    }
    expect(ready.body).toMatchObject({ status: 'ok', degraded: [] });
    expect((await heard.get('/cases/stuck-4')).status).toBe(200);
    expect((await fetch(`${ops}/health/ready`)).status).toBe(200);
  });

  it("serves only health and metrics on the ops port, in heard's error body", async () => {
    const notHere = await fetch(`${ops}/cases/stuck-4`);
    expect(notHere.status).toBe(404);
    expect(await notHere.json()).toMatchObject({ statusCode: 404, error: 'not_found' });
    const write = await fetch(`${ops}/health`, { method: 'POST' });
    expect(write.status).toBe(405);
    expect(await write.json()).toMatchObject({ error: 'method_not_allowed' });
  });
});

describe('a hot case', () => {
  jest.setTimeout(60_000);

  it('answers 50 concurrent writers on one case with 201 each, in one order, without conflicts', async () => {
    const dir = tempDataDir();
    const heard = await startHeard(dir);
    try {
      expect((await heard.post('/cases', openCase('hot'))).status).toBe(201);
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          heard.post('/cases/hot/contacts', {
            channel: 'chat',
            direction: 'inbound',
            agentId: `agent-${i}`,
            note: `writer ${i}`,
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
      const revisions = answers.map((a) => a.body.revision as number).sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const trail = (await heard.get('/cases/hot/events')).body.events;
      expect(trail).toHaveLength(51);
      const metrics = await fetch(`${heard.url}/metrics`).then((r) => r.text());
      expect(metrics).not.toMatch(/outcome="conflict"/);
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  });
});

describe('load shedding', () => {
  jest.setTimeout(60_000);

  it('answers 503 with Retry-After beyond the work in flight, before reading the body, and writes nothing of it', async () => {
    const dir = tempDataDir();
    const heard = await startHeard(dir, { HEARD_MAX_IN_FLIGHT: '2' });
    const port = Number(new URL(heard.url).port);
    /** A POST whose body is held back until `finish` is called: it stays in flight. */
    const held = (caseId: string) => {
      const body = JSON.stringify(openCase(caseId));
      const socket = connect(port, '127.0.0.1');
      let received = '';
      const answered = new Promise<string>((resolve) => {
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('close', () => resolve(received));
      });
      socket.write(
        `POST /cases HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 1)}`,
      );
      return { answered, finish: () => socket.write(body.slice(1)) };
    };
    try {
      const first = held('shed-1');
      const second = held('shed-2');
      await new Promise((r) => setTimeout(r, 300));
      const third = held('shed-3');
      const refused = await third.answered;
      expect(refused).toMatch(/^HTTP\/1.1 503/);
      expect(refused.toLowerCase()).toContain('retry-after: 1');
      expect(refused).toContain('"error":"overloaded"');
      // Health is never shed.
      expect((await heard.get('/health')).status).toBe(200);
      first.finish();
      second.finish();
      const answers = [await first.answered, await second.answered];
      for (const answer of answers) expect(answer).toMatch(/^HTTP\/1.1 201/);
      expect((await heard.get('/cases/shed-3/events')).status).toBe(404);
      // Nothing after the two that were admitted.
      const positions = answers.map(
        (answer) => (JSON.parse(answer.split('\r\n\r\n')[1]!) as { position: string }).position,
      );
      const head = (await heard.get('/health')).body.parts.event_store.headPosition;
      expect(head).toBe(positions.sort()[1]);
      expect((await heard.get('/health/ready')).status).toBe(200);
      // A counter, as Prometheus's rate() needs; scraped twice, it still says one.
      for (const _scrape of [1, 2]) {
        const answer = await fetch(`${heard.url}/metrics`);
        expect(answer.headers.get('content-type')).toBe(new Registry().contentType);
        const metrics = await answer.text();
        expect(metrics).toMatch(/# TYPE heard_http_shed_total counter\nheard_http_shed_total 1\n/);
      }
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  });
});
