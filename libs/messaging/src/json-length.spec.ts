import { jsonLength } from './json-length';

describe('jsonLength', () => {
  it.each([
    ['a plain object', { caseId: 'c-1', count: 3, open: true, none: null, at: 1.5 }],
    ['nested arrays and objects', { a: [1, 'two', { three: [false] }], b: {}, c: [] }],
    ['fields left out by JSON', { kept: 'x', gone: undefined, alsoGone: () => 1 }],
    ['a string', 'Charged twice'],
    ['an empty array', []],
    ['large and negative numbers', [-1e21, 123456789.125, -0.000001]],
    ['a date, as its toJSON gives it', { at: new Date(0) }],
  ])('is the length of the JSON for %s', (_name, value) => {
    expect(jsonLength(value)).toBe(JSON.stringify(value).length);
  });

  it('counts characters JSON escapes once: the JSON is longer, at most six times', () => {
    const value = { note: 'say "hi"\n\u0001' };
    expect(jsonLength(value)).toBeLessThan(JSON.stringify(value).length);
    expect(6 * jsonLength(value)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(value)));
  });
});
