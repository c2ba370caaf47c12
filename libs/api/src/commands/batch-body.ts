import { type FieldError, jsonShapeProblems } from '@heard/commands';

/** Commands on one stream run in the order given; different streams run side by side. */
const streamKeyOf = (item: unknown, index: number): string => {
  const d = (typeof item === 'object' && item !== null && (item as { data?: unknown }).data) || {};
  for (const key of ['caseId', 'issueId', 'changeId', 'incidentId'] as const) {
    const id = (d as Record<string, unknown>)[key];
    if (typeof id === 'string') return `${key}:${id}`;
  }
  return `#${index}`;
};

/**
 * The commands of a batch body, kept as the bytes they came in: each is parsed when its turn
 * comes, and dropped once answered, so a batch of 14 MB holds its 14 MB and the commands in
 * flight, not every command parsed at once (nor the body decoded into one string).
 */
export class BatchCommands {
  constructor(
    private readonly bytes: Buffer,
    /** Where each command's JSON starts and ends in the bytes, two numbers per command. */
    private readonly spans: readonly number[],
    /** Each command's stream (streamKeyOf), found when the body was checked. */
    readonly streamKeys: readonly string[],
  ) {}

  get length(): number {
    return this.streamKeys.length;
  }

  /** The command at `index`, parsed anew (the body was checked whole before anything ran). */
  item(index: number): unknown {
    return JSON.parse(
      this.bytes.toString('utf8', this.spans[2 * index], this.spans[2 * index + 1]),
    );
  }
}

/** What a batch body parses to: `commands` as BatchCommands when it is an array. */
export interface BatchBody {
  commands?: unknown;
}

/** JSON's whitespace, as a byte. */
export const isJsonSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Reads a batch body (`{"commands": [...], ...}`) in one pass, holding one command parsed at a
 * time: each value is checked by JSON.parse and the depth and key rules of every body, and the
 * punctuation between them here. A body that is not valid JSON throws a SyntaxError (nothing of
 * the batch runs); a body breaking a rule returns its problems, each named by its path. A body
 * that is not an object is parsed as a whole: the batch route refuses it by name.
 */
export const parseBatchBody = (
  bytes: Buffer,
  maxDepth: number,
): { body: BatchBody; problems: FieldError[] } => {
  let at = 0;
  const skipSpace = () => {
    while (at < bytes.length && isJsonSpace(bytes[at]!)) at++;
  };
  const fail = (expected: string): never => {
    throw new SyntaxError(
      at < bytes.length
        ? `expected ${expected} at position ${at}, found ${JSON.stringify(bytes.toString('utf8', at, at + 1))}`
        : `expected ${expected}, found the end of the body`,
    );
  };
  /** The end of the value starting at `at`: brackets matched, strings skipped; JSON.parse checks the rest. */
  const valueEnd = (): number => {
    let depth = 0;
    for (let i = at; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c === 0x22) {
        for (i++; i < bytes.length && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++;
        if (depth === 0) return Math.min(i + 1, bytes.length);
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) return i; // a bare value ends where its container does
        if (--depth === 0) return i + 1;
      } else if (depth === 0 && (c === 0x2c || isJsonSpace(c))) return i;
    }
    return bytes.length;
  };
  /** Parses the value at `at` (rethrowing with the position in the whole body) and moves past it. */
  const parseValue = (): unknown => {
    const start = at;
    const end = valueEnd();
    if (end === start) fail('a value');
    at = end;
    try {
      return JSON.parse(bytes.toString('utf8', start, end));
    } catch (error) {
      // JSON.parse counts from the value's start; the client knows its body.
      const message = (error as Error).message
        .replace(/ \(line \d+ column \d+\)/, '')
        .replace(/at position (\d+)/, (_, n: string) => `at position ${start + Number(n)}`);
      throw new SyntaxError(message);
    }
  };

  /** Past the `{` or `[` at `at`: true (and past `close` too) when nothing is inside. */
  const emptyContainer = (close: number): boolean => {
    at++;
    skipSpace();
    if (bytes[at] !== close) return false;
    at++;
    return true;
  };
  /** After a value: true past a `,`, false past `close`; anything else is not JSON. */
  const anotherFollows = (close: number, expected: string): boolean => {
    skipSpace();
    if (bytes[at] === close) {
      at++;
      return false;
    }
    if (bytes[at] !== 0x2c) fail(expected);
    at++;
    skipSpace();
    return true;
  };

  skipSpace();
  if (bytes[at] !== 0x7b) {
    const body = JSON.parse(bytes.toString()) as BatchBody;
    return { body, problems: jsonShapeProblems(body, maxDepth) };
  }
  const body: BatchBody = {};
  const problems: FieldError[] = [];
  const keep = (found: FieldError[]) => problems.push(...found.slice(0, 20 - problems.length));
  if (!emptyContainer(0x7d))
    do {
      if (bytes[at] !== 0x22) fail('a property name');
      const key = parseValue();
      if (typeof key !== 'string') fail('a property name');
      skipSpace();
      if (bytes[at] !== 0x3a) fail("':'");
      at++;
      skipSpace();
      if (key === 'commands' && bytes[at] === 0x5b) {
        body.commands = parseCommands();
      } else {
        const value = parseValue();
        keep(jsonShapeProblems({ [key as string]: value }, maxDepth));
        // As JSON.parse does: an own property, also for a key like __proto__ (refused above).
        Object.defineProperty(body, key as string, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    } while (anotherFollows(0x7d, "',' or '}'"));
  skipSpace();
  if (at < bytes.length) fail('the end of the body');
  return { body, problems };

  /** The array at `at`: each command parsed, checked, its stream noted, and let go. */
  function parseCommands(): BatchCommands {
    const spans: number[] = [];
    const streamKeys: string[] = [];
    if (!emptyContainer(0x5d))
      do {
        const start = at;
        const item = parseValue();
        const index = streamKeys.length;
        // The body is depth 0, commands 1, each command 2: the same limits as the whole body's.
        keep(jsonShapeProblems(item, maxDepth, { path: `commands.${index}`, depth: 2 }));
        spans.push(start, at);
        streamKeys.push(streamKeyOf(item, index));
      } while (anotherFollows(0x5d, `',' or ']' after commands[${streamKeys.length - 1}]`));
    return new BatchCommands(bytes, spans, streamKeys);
  }
};
