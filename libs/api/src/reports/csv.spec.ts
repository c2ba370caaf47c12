import { parse } from 'csv-parse/sync';
import { flattenRow, toCsv, wantsCsv } from './csv';

describe('reports as CSV', () => {
  it('flattens nested objects into dotted columns, joins plain lists and keeps lists of objects as JSON', () => {
    expect(
      flattenRow({
        group: 'issue:lid',
        trend: { ratio: 3.2, spiking: true },
        keywords: ['lid', 'seal'],
        perDay: [{ day: '2026-11-01', cases: 2 }],
        owner: null,
        skipped: undefined,
      }),
    ).toEqual({
      group: 'issue:lid',
      'trend.ratio': 3.2,
      'trend.spiking': true,
      keywords: 'lid;seal',
      perDay: '[{"day":"2026-11-01","cases":2}]',
      owner: null,
    });
  });

  it('writes a header of every column any row has, and quotes what needs quoting', () => {
    const text = toCsv([
      { key: 'a', note: 'says "hi", then leaves' },
      { key: 'b', extra: 1 },
    ]);
    expect(text.split('\n')[0]).toBe('key,note,extra');
    expect(parse(text, { columns: true })).toEqual([
      { key: 'a', note: 'says "hi", then leaves', extra: '' },
      { key: 'b', note: '', extra: '1' },
    ]);
    expect(toCsv([])).toBe('');
  });

  it('keeps text a spreadsheet would run as a formula from running, and leaves numbers alone', () => {
    const rows = parse(
      toCsv([{ note: '=HYPERLINK("http://evil")', by: '@agent', dash: '-1+1', difference: -39 }]),
      { columns: true },
    );
    expect(rows).toEqual([
      { note: `'=HYPERLINK("http://evil")`, by: "'@agent", dash: "'-1+1", difference: '-39' },
    ]);
  });

  it('keeps formulas hidden behind full-width signs, white space, line breaks and invisible characters from running', () => {
    const tricks = [
      '＝1+1',
      '＋1',
      '－1',
      '＠SUM(A1)',
      ' =1+1',
      '\n=1+1',
      '\u00A0=1',
      '\u200B=1',
      '\t=1',
    ];
    const rows = parse<{ note: string }>(toCsv(tricks.map((note) => ({ note }))), {
      columns: true,
    });
    expect(rows.map((r) => r.note)).toEqual(tricks.map((t) => `'${t}`));
    // Plain words that merely start with a space stay as they are.
    expect(parse(toCsv([{ note: ' fine' }]), { columns: true })).toEqual([{ note: ' fine' }]);
  });

  it('answers CSV only when the client lists text/csv', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('application/json, text/csv;q=0.5')).toBe(true);
    expect(wantsCsv('application/json')).toBe(false);
    expect(wantsCsv('*/*')).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
  });
});
