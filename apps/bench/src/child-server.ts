import { BENCH_ADMIN_KEY, BENCH_MASTER_KEY } from './workload';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ChildServer {
  url: string;
  /** HEARD_OPS_PORT's listener (heard only). */
  opsUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const waitForHttp = async (url: string, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
};

const stopChild = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    // Killed by a signal, a child has a signalCode and no exitCode.
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

const dist = join(__dirname, '..', '..');

let profileDir: string | undefined;
/** Every heard started after this writes a V8 CPU profile into `dir` when it stops. */
export const profileHeardInto = (dir: string) => {
  profileDir = dir;
};

/**
 * heard itself, as `npm start` runs it, in its own process (the load generator needs the other
 * core), with health and metrics also on port + 1000.
 */
export const startHeardProcess = async (
  dataDir: string,
  port: number,
  extraEnv: Record<string, string> = {},
): Promise<ChildServer> => {
  const child = fork(join(dist, 'heard', 'src', 'main.js'), [], {
    execArgv: ['--expose-gc', ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])],
    env: {
      ...process.env,
      HEARD_DATA_DIR: dataDir,
      PORT: String(port),
      HEARD_OPS_PORT: String(port + 1000),
      HEARD_HOST: '127.0.0.1',
      HEARD_LOG_LEVEL: 'warn',
      HEARD_ADMIN_KEY: BENCH_ADMIN_KEY,
      HEARD_MASTER_KEY: BENCH_MASTER_KEY.toString('base64'),
      // The bench measures what heard can take; the default limit per credential would cap it.
      HEARD_RATE_LIMIT: '0',
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, 60_000);
  return {
    url,
    opsUrl: `http://127.0.0.1:${port + 1000}`,
    process: child,
    stop: () => stopChild(child),
  };
};

export const startBareServer = async (
  platform: 'fastify' | 'express',
  port: number,
): Promise<ChildServer> => {
  const child = fork(join(__dirname, 'bare-server.js'), [platform, String(port)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare ${platform} server exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return { url, opsUrl: url, process: child, stop: () => stopChild(child) };
};

/** Emmett's web API over its PostgreSQL store (the peers' emmett-web-api.ts), in its own process. */
export const startEmmettWebApi = async (
  script: string,
  pgUrl: string,
  port: number,
): Promise<ChildServer> => {
  const child = fork(script, [pgUrl, String(port)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`Emmett's web API exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return { url, opsUrl: url, process: child, stop: () => stopChild(child) };
};
