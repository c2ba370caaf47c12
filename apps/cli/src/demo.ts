import { Command } from 'commander';
import { positiveInt, readAdminKey } from './cli-options';
import { SingleBar, Presets } from 'cli-progress';
import {
  answerDueFollowUps,
  DEMO_DEFAULTS,
  demoHistory,
  loadOverHttp,
  withDemoKeys,
} from '@heard/demo';

/** `heard demo`: a deterministic story loaded into a running heard. */
export const registerDemo = (program: Command): void => {
  program
    .command('demo')
    .description(
      'Load the deterministic demo history into a running heard, through POST /commands, then answer its due follow-ups',
    )
    .option(
      '--url <url>',
      'where heard listens (PORT=3001 npm run demo for a heard on port 3001)',
      `http://localhost:${process.env.PORT ?? 3000}`,
    )
    .option(
      '--customers <n>',
      'how many customers (about 1.6 cases and 14 events each)',
      positiveInt,
      DEMO_DEFAULTS.customers,
    )
    .option('--seed <n>', 'the same seed gives the same history', positiveInt, DEMO_DEFAULTS.seed)
    .option(
      '--ends <day>',
      'the day the history ends (YYYY-MM-DD); default today, so that it reads as recent next to what you entered by hand',
    )
    .option('--batch <n>', 'commands per request', positiveInt, 500)
    .option('--concurrency <n>', 'requests in flight', positiveInt, 4)
    .option(
      '--admin-key <file>',
      "a file holding an admin API key (default: HEARD_ADMIN_KEY, else admin.key in HEARD_DATA_DIR, which heard's first start writes)",
    )
    .action(
      async (opts: {
        adminKey?: string;
        url: string;
        customers: number;
        seed: number;
        batch: number;
        concurrency: number;
        ends?: string;
      }) => {
        // By default the start of today (UTC), not now: a second run on the same day sends the
        // same commands, and heard answers them from their idempotency keys.
        const endsAt = opts.ends
          ? new Date(`${opts.ends}T23:59:59Z`)
          : new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
        if (
          Number.isNaN(endsAt.getTime()) ||
          (opts.ends && !endsAt.toISOString().startsWith(opts.ends))
        ) {
          console.error(`--ends ${opts.ends}: must be a day, YYYY-MM-DD`);
          process.exit(1);
        }
        const history = demoHistory({
          customers: opts.customers,
          seed: opts.seed,
          endsAt,
        });
        const adminKey = readAdminKey(opts.adminKey);
        console.log(`demo history: 90 days to ${endsAt.toISOString()}`);
        const bar = new SingleBar(
          { format: 'demo |{bar}| {value} commands sent | {duration}s' },
          Presets.shades_classic,
        );
        bar.start(0, 0);
        try {
          await withDemoKeys(opts.url, adminKey, async (keyFor) => {
            const report = await loadOverHttp(opts.url, history, {
              apiKey: keyFor,
              batchSize: opts.batch,
              concurrency: opts.concurrency,
              onProgress: (sent) => {
                bar.setTotal(sent);
                bar.update(sent);
              },
            });
            bar.stop();
            console.log(
              `${report.commands} commands in ${report.seconds.toFixed(1)} s: ${report.accepted} accepted, ` +
                `${report.replayed} already loaded (same idempotency keys: nothing appended), ${report.refused} refused`,
            );
            const reused = report.samples.filter(
              (sample) =>
                (sample as { body?: { error?: string } }).body?.error === 'idempotency_key_reused',
            );
            if (reused.length > 0 && reused.length === report.samples.length)
              console.log(
                `  ${report.refused} refused: this heard holds a demo history made with other dates, whose commands had the same keys. Nothing was loaded twice; for a fresh demo, start heard on an empty HEARD_DATA_DIR.`,
              );
            else
              for (const sample of report.samples)
                console.log('  refused:', JSON.stringify(sample));
            const answers = await answerDueFollowUps(opts.url, {
              apiKey: keyFor('CompleteFollowUp'),
              seed: opts.seed,
              minPosition: report.lastPosition,
            });
            console.log(
              `follow-ups answered as a notification app would: ${answers.accepted} recorded, ${answers.replayed} already recorded, ${answers.refused} refused`,
            );
            for (const sample of answers.samples) console.log('  refused:', JSON.stringify(sample));
          });
        } catch (error) {
          bar.stop();
          const cause = (error as { cause?: { code?: string } }).cause;
          if (cause?.code === 'ECONNREFUSED') {
            console.error(
              `heard is not answering at ${opts.url}; start it first (npm start) or pass --url`,
            );
            process.exit(1);
          }
          throw error;
        }
      },
    );
};
