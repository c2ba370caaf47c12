import { BatchCommands, parseBatchBody } from './batch-body';

const DEPTH = 32;

/** What the route sees: the body with its commands as the plain values they parse to. */
const parsedAsWhole = (text: string) => {
  const { body, problems } = parseBatchBody(Buffer.from(text), DEPTH);
  const commands =
    body.commands instanceof BatchCommands
      ? Array.from({ length: body.commands.length }, (_, i) =>
          (body.commands as BatchCommands).item(i),
        )
      : body.commands;
  return { body: { ...body, commands }, problems };
};

/** A small seeded generator, so that a failure can be replayed. */
const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
};

const SAMPLE = `{ "source" : "loader",
  "commands": [
    {"type":"OpenCase","data":{"caseId":"c-1","customerId":"cu-1","summary":"braces } ] in text, \\"quoted\\", \\\\ and \\u00e9"}},
    {"type": "LogContact", "data": {"caseId": "c-1", "note": "Grüße 👋", "tags": [1, 2.5e3, true, null, {"x": []}]}} ,
    {"type":"HandOverCase","data":{"issueId":"i-9"}}, 17, "text", null, []
  ],
  "extra": {"nested": [[], {}]}
}`;

describe('a batch body', () => {
  it('gives the same values as parsing it whole, with each command parsed only when asked for', () => {
    expect(parsedAsWhole(SAMPLE)).toEqual({ body: JSON.parse(SAMPLE), problems: [] });
    const { body } = parseBatchBody(Buffer.from(SAMPLE), DEPTH);
    const commands = body.commands as BatchCommands;
    expect(commands.item(1)).not.toBe(commands.item(1));
    expect(commands.streamKeys).toEqual([
      'caseId:c-1',
      'caseId:c-1',
      'issueId:i-9',
      '#3',
      '#4',
      '#5',
      '#6',
    ]);
  });

  it('takes what JSON.parse takes and refuses what it refuses, for thousands of damaged bodies', () => {
    const next = random(11);
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      ' ',
      '1',
      'e',
      'x',
      '\n',
      '"commands"',
    ];
    let refused = 0;
    for (let n = 0; n < 5000; n++) {
      let text = SAMPLE;
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) {
        const at = Math.floor(next() * text.length);
        const piece = pieces[Math.floor(next() * pieces.length)]!;
        const kind = next();
        text =
          kind < 0.33
            ? text.slice(0, at) + text.slice(at + 1)
            : kind < 0.66
              ? text.slice(0, at) + piece + text.slice(at)
              : text.slice(0, at) + piece + text.slice(at + 1);
      }
      // As bytes, as they come in: an edit that split a surrogate pair gave U+FFFD.
      text = Buffer.from(text).toString();
      let whole: unknown;
      try {
        whole = JSON.parse(text);
      } catch {
        refused++;
        expect(() => parseBatchBody(Buffer.from(text), DEPTH)).toThrow(SyntaxError);
        continue;
      }
      expect(parsedAsWhole(text).body).toEqual(whole);
    }
    // Most edits break the JSON; some leave it valid: both kinds were tried.
    expect(refused).toBeGreaterThan(1000);
    expect(refused).toBeLessThan(5000);
  });

  it('names where the JSON breaks, in the whole body', () => {
    expect(() =>
      parseBatchBody(Buffer.from('{"commands":[{"type":"A"} {"type":"B"}]}'), DEPTH),
    ).toThrow("expected ',' or ']' after commands[0] at position 26");
    expect(() => parseBatchBody(Buffer.from('{"commands":[{"type" "A"}]}'), DEPTH)).toThrow(
      /in JSON at position 21/,
    );
    expect(() => parseBatchBody(Buffer.from('{"commands":[{"type":"A"}]'), DEPTH)).toThrow(
      "expected ',' or '}', found the end of the body",
    );
    expect(() => parseBatchBody(Buffer.from('{"commands":[]} x'), DEPTH)).toThrow(
      'expected the end of the body at position 16',
    );
  });

  it('holds every command to the depth and key rules, named by its path', () => {
    const deep = (n: number): string => (n === 0 ? '1' : `{"a":${deep(n - 1)}}`);
    const { problems } = parseBatchBody(
      Buffer.from(
        `{"commands":[{"type":"A","data":{}},{"type":"B","data":${deep(40)}},{"data":{"__proto__":{}}}],"__proto__":1}`,
      ),
      DEPTH,
    );
    expect(problems).toEqual([
      {
        field: `commands.1.data${'.a'.repeat(29)}`,
        rules: { maxDepth: 'JSON may nest at most 32 levels deep' },
      },
      {
        field: 'commands.2.data.__proto__',
        rules: { whitelistValidation: 'property __proto__ should not exist' },
      },
      {
        field: '__proto__',
        rules: { whitelistValidation: 'property __proto__ should not exist' },
      },
    ]);
  });

  it('parses a body that is no object as a whole: the route refuses it by name', () => {
    expect(parseBatchBody(Buffer.from(' [1, 2] '), DEPTH)).toEqual({ body: [1, 2], problems: [] });
    expect(parseBatchBody(Buffer.from('{"commands":{"type":"A"}}'), DEPTH).body).toEqual({
      commands: { type: 'A' },
    });
  });
});
