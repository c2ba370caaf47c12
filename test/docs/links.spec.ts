import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const root = join(__dirname, '..', '..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Lines outside code fences, numbered from 1. */
const prose = (file: string): Array<[number, string]> => {
  let fenced = false;
  return readFileSync(join(root, file), 'utf8')
    .split('\n')
    .flatMap((line, i): Array<[number, string]> => {
      if (line.startsWith('```')) fenced = !fenced;
      return fenced || line.startsWith('```') ? [] : [[i + 1, line]];
    });
};

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');

const anchorsOf = (file: string) =>
  new Set(
    prose(file).flatMap(([, line]) => {
      const heading = /^#{1,6} (.*)$/.exec(line);
      return heading ? [slug(heading[1]!)] : [];
    }),
  );

describe('the docs', () => {
  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const page of pages)
      for (const [n, line] of prose(page))
        for (const [, target] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
          if (/^(https?:|mailto:|\/)/.test(target!)) continue;
          const [path, anchor] = target!.split('#') as [string, string | undefined];
          const file = path ? normalize(join(dirname(page), path)) : page;
          if (!existsSync(join(root, file))) broken.push(`${page}:${n} ${target} (no such file)`);
          else if (anchor && file.endsWith('.md') && !anchorsOf(file).has(anchor))
            broken.push(`${page}:${n} ${target} (no such heading)`);
        }
    expect(broken).toEqual([]);
  });

  it('keep the README short: what heard is, the two commands, a tour and links', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
