import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Peers } from '../peers/src/contract';
import { log } from './workload';

/** apps/bench/peers in the checkout: this file runs from dist/apps/bench/src. */
const PEERS = resolve(__dirname, '../../../../apps/bench/peers');

const newer = (a: string, b: string) => statSync(a).mtimeMs > statSync(b).mtimeMs;

/**
 * The peers the bench compares heard with (Emmett's stores, Express, node-sqlite3) have a
 * package of their own, so the project's `npm ci` neither downloads them nor compiles a
 * second SQLite. The first bench that needs them installs them there (`npm ci`, once) and
 * compiles their code with the project's TypeScript.
 */
export const loadPeers = (): Peers => {
  const installed = join(PEERS, 'node_modules', '.package-lock.json');
  if (!existsSync(installed) || newer(join(PEERS, 'package-lock.json'), installed)) {
    log(`Installing the peers' dependencies once, into ${join(PEERS, 'node_modules')}`);
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PEERS, stdio: 'inherit' });
  }
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', PEERS], {
    stdio: 'inherit',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(join(PEERS, 'dist', 'index.js')) as { peers: Peers }).peers;
};
