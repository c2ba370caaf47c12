import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHeardApp } from '../../apps/heard/src/create-heard-app';
import { loadConfig } from '@heard/config';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RunningHeard {
  url: string;
  dataDir: string;
  app: NestFastifyApplication;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
  get<T = any>(path: string, headers?: Record<string, string>): Promise<Answer<T>>;
  /** Any method, with exactly the headers given (no credential unless one is given). */
  call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer<T>>;
  stop(): Promise<void>;
}

/** The admin key every test instance is started with (HEARD_ADMIN_KEY), sent by default. */
export const TEST_ADMIN_KEY = 'test-admin-key-not-secret-0123456789abcdef';
/** The master key of test instances (HEARD_MASTER_KEY): instances on shared stores need the same. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
export const asAdmin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

/** The built apps (npm test builds them first), for tests that run heard as a process. */
export const distApps = join(__dirname, '..', '..', 'dist', 'apps');

/** A port nothing listens on now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Runs heard's CLI as built (`npm test` builds first) and waits for it to exit. */
export const runCli = (
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 120_000,
) =>
  spawnSync(process.execPath, [join(distApps, 'cli', 'src', 'main.js'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });

export const tempDataDir = () => mkdtempSync(join(tmpdir(), 'heard-e2e-'));
export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** The real app, listening on a free loopback port, with its stores in `dataDir`. */
export const startHeard = async (
  dataDir: string,
  env: Record<string, string> = {},
): Promise<RunningHeard> => {
  const config = loadConfig({
    HEARD_DATA_DIR: dataDir,
    PORT: '0',
    HEARD_LOG_LEVEL: 'warn',
    HEARD_ADMIN_KEY: TEST_ADMIN_KEY,
    HEARD_MASTER_KEY: TEST_MASTER_KEY,
    ...env,
  });
  const app = await createHeardApp(config, { logs: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const response = await fetch(url + path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: !text
        ? undefined
        : response.headers.get('content-type')?.includes('json')
          ? JSON.parse(text)
          : text,
      headers: response.headers,
    };
  };
  return {
    url,
    dataDir,
    app,
    post: (path, body, headers) => call('POST', path, body ?? {}, { ...asAdmin, ...headers }),
    put: (path, body, headers) => call('PUT', path, body ?? {}, { ...asAdmin, ...headers }),
    get: (path, headers) => call('GET', path, undefined, { ...asAdmin, ...headers }),
    call,
    stop: () => app.close(),
  };
};

/**
 * Writes that must be recorded, and reads that see them: `fresh(path)` asks for the read
 * models as of the last write (`minPosition`), as a client reading its own writes does.
 */
export const readYourWrites = () => {
  let position = '';
  return {
    write: async (answer: Promise<Answer>): Promise<Answer> => {
      const done = await answer;
      expect([done.status, done.body.error]).toEqual([201, undefined]);
      position = done.body.position;
      return done;
    },
    /** A write made otherwise (a webhook delivery): reads see it too. */
    wrote: (at: string) => {
      position = at;
    },
    fresh: (path: string) =>
      `${path}${path.includes('?') ? '&' : '?'}minPosition=${encodeURIComponent(position)}`,
  };
};
