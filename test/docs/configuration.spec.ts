import { join } from 'node:path';
import { SETTINGS } from '@heard/config';
import { expectGeneratedBetween } from '../support/generated-docs';

/**
 * docs/configuration.md's table is the settings list (libs/config/src/settings.ts), which a
 * spec there holds to what loadConfig reads: this fails when the docs say otherwise, and
 * `npm run docs:tables` rewrites them.
 */
const DOC = join(__dirname, '..', '..', 'docs', 'configuration.md');
const BEGIN =
  '<!-- Generated from libs/config/src/settings.ts by npm run docs:tables: edit that, not this table. -->';

const table = (): string =>
  [
    '| name | default | what |',
    '| --- | --- | --- |',
    ...SETTINGS.map(
      (setting) =>
        `| ${setting.names.map((name) => `\`${name}\``).join(', ')} | ${setting.default} | ${setting.what} |`,
    ),
  ].join('\n');

it('docs/configuration.md lists every setting heard reads, with its default', () => {
  expectGeneratedBetween(DOC, BEGIN, table());
});
