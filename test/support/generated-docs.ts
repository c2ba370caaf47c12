import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The text as the repository's Prettier writes `file` (its API needs ES modules; jest here does not). */
const prettier = (file: string, text: string): string => {
  const run = spawnSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', file],
    { input: text, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`prettier failed: ${run.stderr}`);
  return run.stdout;
};

/**
 * A generated file (docs, or the web app's copies of the server's) with its generated parts as `generate` makes them: written with
 * HEARD_WRITE_DOCS=1 (npm run docs:tables), else expected to be so already.
 */
export const expectGenerated = (file: string, generate: (text: string) => string): void => {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const wanted = prettier(file, generate(text));
  if (process.env.HEARD_WRITE_DOCS === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, wanted);
  } else expect(text).toBe(wanted);
};

const END = '<!-- End of the generated table. -->';

/** The part of a docs file between its `begin` line and the END line is `table`. */
export const expectGeneratedBetween = (file: string, begin: string, table: string): void =>
  expectGenerated(file, (text) => {
    const [before, rest] = text.split(begin) as [string, string | undefined];
    if (rest === undefined) throw new Error(`${file} has no "${begin}" line`);
    if (!rest.includes(END)) throw new Error(`${file} has no "${END}" line after "${begin}"`);
    return `${before}${begin}\n\n${table}\n\n${rest.slice(rest.indexOf(END))}`;
  });
