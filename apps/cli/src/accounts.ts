import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { positiveInt, readAdminKey } from './cli-options';
import { ACCOUNT_COLUMNS, importAccounts, readAccountsCsv } from './accounts-import';

/** `heard accounts import FILE.csv`: a CRM's export, as account versions in a running heard. */
export const registerAccounts = (program: Command): void => {
  const accounts = program.command('accounts').description('Accounts, from a CRM export');
  accounts
    .command('import')
    .description(
      `Define the accounts of a CSV file in a running heard (PUT /accounts/:accountId for each row, through POST /commands). Columns: ${ACCOUNT_COLUMNS.join(', ')}; accountId, name, tier and ownerId are required`,
    )
    .argument('<file>', 'the CSV file, with a header row')
    .option('--url <url>', 'where heard listens', `http://localhost:${process.env.PORT ?? 3000}`)
    .option('--batch <n>', 'rows per request', positiveInt, 500)
    .option(
      '--admin-key <file>',
      'a file holding an admin API key (default: HEARD_ADMIN_KEY, else admin.key in HEARD_DATA_DIR)',
    )
    .action(async (file: string, opts: { url: string; batch: number; adminKey?: string }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        console.error(`heard: ${file} cannot be read: ${(error as Error).message}`);
        process.exit(1);
      }
      const { rows, problems } = readAccountsCsv(text);
      if (problems.length > 0) {
        for (const problem of problems) console.error(`heard: ${file}: ${problem}`);
        console.error('heard: nothing was imported');
        process.exit(1);
      }
      const apiKey = readAdminKey(opts.adminKey);
      const bar = new SingleBar(
        { format: 'accounts |{bar}| {value}/{total} rows | {eta}s left' },
        Presets.shades_classic,
      );
      bar.start(rows.length, 0);
      try {
        const report = await importAccounts(opts.url, apiKey, rows, {
          batch: opts.batch,
          onProgress: (done) => bar.update(done),
        });
        bar.stop();
        console.log(
          `${report.rows} rows: ${report.defined} defined, ${report.unchanged} unchanged (imported before), ${report.refused.length} refused`,
        );
        for (const r of report.refused)
          console.log(`  line ${r.line} (${r.accountId || 'no accountId'}): ${r.reason}`);
        if (report.refused.length > 0) process.exitCode = 1;
      } catch (error) {
        bar.stop();
        // fetch's own failure (refused, unknown host, bad URL): a sentence, not a stack.
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        if (error instanceof TypeError && cause) {
          console.error(
            `heard is not answering at ${opts.url} (${cause.code ?? cause.message}); start it first (npm start) or pass --url. Rows already sent stay defined; importing the file again sends only what is new`,
          );
          process.exit(1);
        }
        throw error;
      }
    });
};
