import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMMAND_TYPES } from '@heard/commands';
import { PERSONAL_FIELDS } from '@heard/domain';

/**
 * docs/asyncapi.yaml is written by hand for the teams that subscribe; these checks point at
 * it when a command or an event type is added (the event types come from PERSONAL_FIELDS,
 * which the compiler keeps total over every event heard records).
 */
const asyncapi = parse(readFileSync(join(__dirname, '..', '..', 'docs', 'asyncapi.yaml'), 'utf8'));
const messages = asyncapi.components.messages;

describe('docs/asyncapi.yaml', () => {
  it('lists every command heard.commands takes, and no other', () => {
    expect([...messages.Command.payload.properties.type.enum].sort()).toEqual(
      [...COMMAND_TYPES].sort(),
    );
  });

  it('names every event type heard.case-events carries', () => {
    const described: string = messages.DomainEvent.payload.description;
    const listed = new Set(described.match(/\b[A-Z][A-Za-z]+\b/g));
    const missing = Object.keys(PERSONAL_FIELDS).filter((type) => !listed.has(type));
    expect(missing).toEqual([]);
  });
});
