import { readAccountsCsv } from './accounts-import';

describe('reading a CRM export of accounts', () => {
  const header = 'accountId,name,tier,annualRevenue,currency,ownerId,successManagerId';

  it('makes a DefineAccount per row, with its line, revenue as a number, and empty cells left out', () => {
    const { rows, problems } = readAccountsCsv(
      `\uFEFF${header}\r\nacme,"Acme, Inc.",enterprise,120000,EUR,sam,kim\r\n\r\nglobex,Globex,smb,,,lee,\r\n`,
    );
    expect(problems).toEqual([]);
    expect(rows.map((r) => [r.line, r.command.data])).toEqual([
      [
        2,
        {
          accountId: 'acme',
          name: 'Acme, Inc.',
          tier: 'enterprise',
          ownerId: 'sam',
          successManagerId: 'kim',
          annualRevenue: { amount: 120000, currency: 'EUR' },
        },
      ],
      [4, { accountId: 'globex', name: 'Globex', tier: 'smb', ownerId: 'lee' }],
    ]);
  });

  it('names a row by what it says: the same row twice is the same command, a changed one another', () => {
    const once = readAccountsCsv(`${header}\nacme,Acme,smb,1,EUR,sam,`).rows[0]!;
    const again = readAccountsCsv(
      `accountId,tier,name,ownerId,annualRevenue,currency\nacme,smb,Acme,sam,1,EUR`,
    ).rows[0]!;
    const changed = readAccountsCsv(`${header}\nacme,Acme,enterprise,1,EUR,sam,`).rows[0]!;
    expect(again.command.commandId).toBe(once.command.commandId);
    expect(changed.command.commandId).not.toBe(once.command.commandId);
    expect(once.command.commandId).toMatch(/^accounts-import:[0-9a-f]{32}$/);
  });

  it('keeps an amount that is not a number as written, for heard to name', () => {
    const [row] = readAccountsCsv(`${header}\nacme,Acme,smb,"12,000",EUR,sam,`).rows;
    expect(row!.command.data.annualRevenue).toEqual({ amount: '12,000', currency: 'EUR' });
  });

  it('refuses unknown and missing columns before anything is sent', () => {
    expect(readAccountsCsv('accountId,name,segment,ownerId\nacme,Acme,x,sam').problems).toEqual([
      'column "segment" is not one heard reads; the columns are accountId, name, tier, annualRevenue, currency, ownerId, successManagerId',
      'column "tier" is missing: it is required',
    ]);
    expect(readAccountsCsv(`${header}\n`).problems).toEqual([
      'the file has no rows under its header',
    ]);
    expect(readAccountsCsv(`${header}\nacme,"Acme`).problems[0]).toMatch(
      /^not a CSV file heard can read/,
    );
  });
});
