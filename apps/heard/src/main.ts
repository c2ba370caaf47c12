import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { loadConfig, StartRefused, storesAreShared, type HeardConfig } from '@heard/config';
import { createHeardApp } from './create-heard-app';

const refuse = (message: string): never => {
  console.error(`heard cannot start.\n${message}`);
  process.exit(1);
};

/** Where a user finds the admin's key, as the banner says it. */
const adminKeyWhere = (config: HeardConfig) => {
  if (!config.auth.enabled) return 'none needed: HEARD_AUTH=off (this machine only)';
  if (config.auth.adminKey !== undefined) return 'the one in HEARD_ADMIN_KEY (or its _FILE)';
  const file = join(config.dataDir, 'admin.key');
  const shown = relative(process.cwd(), file).startsWith('..')
    ? file
    : relative(process.cwd(), file);
  return existsSync(file)
    ? `${shown} (cat ${shown})`
    : `${shown} was written at the first start and is gone; an admin makes keys: heard keys create --help`;
};

/** What a user needs after `npm start`, in a few lines a person reads (the logs stay JSON). */
const banner = (config: HeardConfig) => {
  const url = `http://localhost:${config.port}`;
  if (!config.roles.includes('api'))
    return `heard running ${config.roles.join(', ')}; health and metrics on ${url}/health`;
  return [
    `heard is up on ${url}`,
    `  screens     ${url}/app (sign in with an API key)`,
    `  API docs    ${url}/docs`,
    `  admin key   ${adminKeyWhere(config)}`,
    storesAreShared(config)
      ? `  roles       ${config.roles.join(', ')}`
      : `  data        ${config.dataDir}`,
  ].join('\n');
};

/** Whether PORT can be listened on, asked before any store is opened or any work started. */
const portTaken = (port: number, host: string) =>
  new Promise<boolean>((resolve) => {
    if (port === 0) return resolve(false);
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });

const portInUse = (port: number) =>
  `PORT=${port}: another program listens on that port (another heard?). Stop it, or start on another port: PORT=${port + 1} npm start`;

const main = async () => {
  let config: HeardConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof StartRefused) return refuse(error.message);
    throw error;
  }
  if (await portTaken(config.port, config.host)) return refuse(portInUse(config.port));
  try {
    // listen() runs the start hooks too (projections, migrations): their refusals land here.
    const app = await createHeardApp(config);
    await app.listen(config.port, config.host);
  } catch (error) {
    if (error instanceof StartRefused) return refuse(error.message);
    // Taken between the check above and now.
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      return refuse(portInUse(config.port));
    throw error;
  }
  console.log(banner(config));
};

void main();
