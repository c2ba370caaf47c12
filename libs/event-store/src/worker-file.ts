import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The compiled file of a worker thread that sits next to `dir` (pass __dirname). Under
 * ts-jest the caller is TypeScript, which a worker cannot run: the build's copy is used
 * (`npm test` builds first).
 */
export const compiledWorkerFile = (dir: string, name: string): string => {
  const here = join(dir, `${name}.js`);
  if (existsSync(here)) return here;
  // The last libs/ of the path is the repository's (a checkout may sit under another).
  const built = join(dir.replace(/^(.*)([\\/])libs([\\/])/, '$1$2dist$2libs$3'), `${name}.js`);
  if (existsSync(built)) return built;
  throw new Error(`The code of the ${name} thread is missing (${built}): run npm run build`);
};
