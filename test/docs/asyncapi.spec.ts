import { join } from 'node:path';
import { COMMAND_TYPES } from '@heard/commands';
import { PERSONAL_FIELDS } from '@heard/domain';
import { expectGenerated } from '../support/generated-docs';

/**
 * docs/asyncapi.yaml is written by hand for the teams that subscribe, but its two lists are
 * generated: the commands heard.commands takes (the catalogue) and the event types
 * heard.case-events carries (PERSONAL_FIELDS, total over every event type by the compiler).
 * This test fails when they differ; `npm run docs:tables` rewrites them.
 */
const FILE = join(__dirname, '..', '..', 'docs', 'asyncapi.yaml');

/** Words into lines of at most 96 characters, each at `indent`, after a line break. */
const wrap = (text: string, indent: string): string => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + line.length + 1 + word.length > 96) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.map((l) => `\n${indent}${l}`).join('');
};

const withLists = (yaml: string): string => {
  const commands = yaml.replace(
    /(\n(\s+)enum:\s*\n\s*\[)[^\]]*(\])(?=\s*\n\s*commandId:)/,
    (_all, open: string, _indent: string, close: string) =>
      `${open} ${COMMAND_TYPES.join(', ')} ${close}`,
  );
  const events = Object.keys(PERSONAL_FIELDS).filter((t) => t !== 'CustomerErased');
  // A block scalar keeps its lines as they are: wrapped here, at the block's indentation.
  return commands.replace(
    /(\n( +)The event's data, as in GET \/cases\/:caseId\/events\.) Event types: [\s\S]*?, and CustomerErased/,
    (_all, first: string, indent: string) =>
      wrap(`${first.trim()} Event types: ${events.join(', ')}, and CustomerErased`, indent),
  );
};

describe('docs/asyncapi.yaml', () => {
  it('lists every command heard.commands takes and every event type heard.case-events carries', () => {
    expectGenerated(FILE, withLists);
  });
});
