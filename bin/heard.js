#!/usr/bin/env node
// The `heard` command (package.json's bin: `npx heard …` in a clone). In a clone it builds
// first when a source changed; then it runs heard's command line (apps/cli).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const builder = join(root, 'scripts', 'build-if-changed.js');
if (existsSync(builder)) require(builder).buildIfChanged();
require(join(root, 'dist', 'apps', 'cli', 'src', 'main.js'));
