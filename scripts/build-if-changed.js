#!/usr/bin/env node
// Builds heard (`npm run build`) only when a source changed since the last build, so that
// `npm start` and the `heard` command start at once when nothing did. "Changed" is a file
// under apps/ or libs/, or a build setting, newer than the stamp the last build left.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const STAMP = join(root, 'dist', '.built');
const OUTPUTS = [
  'dist/apps/heard/src/main.js',
  'dist/apps/cli/src/main.js',
  'apps/web/dist/index.html',
];
const SETTINGS = ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json'];
// Not sources of the build: its own output, and the bench's peers (a package of their own).
const SKIP = new Set(['node_modules', 'dist', 'peers']);

const newestUnder = (dir) => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
};

const stale = () => {
  if (!existsSync(STAMP) || OUTPUTS.some((file) => !existsSync(join(root, file)))) return true;
  const built = statSync(STAMP).mtimeMs;
  const newest = Math.max(
    newestUnder(join(root, 'apps')),
    newestUnder(join(root, 'libs')),
    ...SETTINGS.map((file) => statSync(join(root, file)).mtimeMs),
  );
  return newest > built;
};

const buildIfChanged = () => {
  if (!stale()) return false;
  console.error('heard: building (sources changed since the last build)…');
  const started = Date.now();
  // `npm run build` leaves the stamp itself (its last step is this script with --stamp).
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  console.error(`heard: built in ${Math.round((Date.now() - started) / 1000)} s`);
  return true;
};

const stamp = () => writeFileSync(STAMP, `${new Date().toISOString()}\n`);

module.exports = { buildIfChanged };
if (require.main === module) {
  if (process.argv.includes('--stamp')) stamp();
  else buildIfChanged();
}
