import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';

/** The columns `heard accounts import` reads: PUT /accounts/:accountId's fields, flat. */
export const ACCOUNT_COLUMNS = [
  'accountId',
  'name',
  'tier',
  'annualRevenue',
  'currency',
  'ownerId',
  'successManagerId',
] as const;
const REQUIRED = ['accountId', 'name', 'tier', 'ownerId'] as const;

/** One row, as the DefineAccount command POST /commands takes. */
export interface AccountRow {
  /** Its line in the file (the header is line 1). */
  line: number;
  accountId: string;
  command: { type: 'DefineAccount'; commandId: string; data: Record<string, unknown> };
}

/**
 * The file's rows as commands, or what is wrong with its columns (nothing is sent then).
 * Each row's command id is made from what it says: importing the same file again replays
 * the first answers and writes nothing, and a row that changed is a new version.
 */
export const readAccountsCsv = (text: string): { rows: AccountRow[]; problems: string[] } => {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim()),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
    });
  } catch (error) {
    return { rows: [], problems: [`not a CSV file heard can read: ${(error as Error).message}`] };
  }
  const header = records.length > 0 ? Object.keys(records[0]!.record) : headerOf(text);
  const problems: string[] = [];
  for (const column of header)
    if (!(ACCOUNT_COLUMNS as readonly string[]).includes(column))
      problems.push(
        `column "${column}" is not one heard reads; the columns are ${ACCOUNT_COLUMNS.join(', ')}`,
      );
  for (const column of REQUIRED)
    if (!header.includes(column)) problems.push(`column "${column}" is missing: it is required`);
  if (problems.length > 0) return { rows: [], problems };
  if (records.length === 0)
    return { rows: [], problems: ['the file has no rows under its header'] };

  const rows = records.map(({ record, info }) => {
    const given = (column: string) => (record[column] === '' ? undefined : record[column]);
    const amount = given('annualRevenue');
    const currency = given('currency');
    const data: Record<string, unknown> = {
      accountId: record.accountId ?? '',
      name: record.name ?? '',
      tier: record.tier ?? '',
      ownerId: record.ownerId ?? '',
      ...(given('successManagerId') ? { successManagerId: given('successManagerId') } : {}),
      ...(amount !== undefined || currency !== undefined
        ? {
            // A number when it reads as one; as written otherwise, so heard names what is wrong.
            annualRevenue: {
              amount:
                amount !== undefined && Number.isFinite(Number(amount)) ? Number(amount) : amount,
              currency: currency ?? '',
            },
          }
        : {}),
    };
    const digest = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 32);
    return {
      line: info.lines,
      accountId: String(data.accountId),
      command: {
        type: 'DefineAccount' as const,
        commandId: `accounts-import:${digest}`,
        data,
      },
    };
  });
  return { rows, problems: [] };
};

const headerOf = (text: string): string[] =>
  (text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);

export interface ImportReport {
  rows: number;
  /** Recorded now: a new account, or a new version of one. */
  defined: number;
  /** Imported before with the same values (the same command id): nothing written. */
  unchanged: number;
  /** Refused by heard, each with its line and heard's reason, field by field. */
  refused: Array<{ line: number; accountId: string; reason: string }>;
}

interface BatchAnswer {
  results: Array<{
    status: number;
    body: {
      replayed?: boolean;
      message?: string;
      fields?: Array<{ field: string; rules: Record<string, string> }>;
    };
  }>;
}

/** The rows sent to a running heard through POST /commands, `batch` at a time, in file order. */
export const importAccounts = async (
  url: string,
  apiKey: string,
  rows: AccountRow[],
  options: { batch: number; onProgress?: (done: number) => void },
): Promise<ImportReport> => {
  const report: ImportReport = { rows: rows.length, defined: 0, unchanged: 0, refused: [] };
  for (let start = 0; start < rows.length; start += options.batch) {
    const batch = rows.slice(start, start + options.batch);
    const response = await fetch(`${url.replace(/\/+$/, '')}/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ commands: batch.map((r) => r.command) }),
    });
    if (response.status !== 200)
      throw new Error(`POST /commands answered ${response.status}: ${await response.text()}`);
    const answer = (await response.json()) as BatchAnswer;
    answer.results.forEach((result, i) => {
      const row = batch[i]!;
      if (result.status === 201) {
        if (result.body.replayed) report.unchanged++;
        else report.defined++;
      } else
        report.refused.push({
          line: row.line,
          accountId: row.accountId,
          reason: result.body.fields?.length
            ? result.body.fields.map((f) => Object.values(f.rules).join('; ')).join('; ')
            : (result.body.message ?? `status ${result.status}`),
        });
    });
    options.onProgress?.(Math.min(start + options.batch, rows.length));
  }
  return report;
};
