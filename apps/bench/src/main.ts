import { reportsUnderLoad } from './report-load';
import 'reflect-metadata';
import { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { StartRefused } from '@heard/config';
import { DEMO_DEFAULTS, DEMO_IVR_CHANGE, demoHistory, loadOverHttp } from '@heard/demo';
import { rebuildInParallel } from '@heard/projections-thread';
import { SqliteEventStore, START } from '@heard/event-store';
import {
  DEFAULT_CANDIDATE_OPTIONS,
  DEFAULT_PROJECTION_RULES,
  DEFAULT_SPIKE_RULE,
  defaultProjections,
  findCandidateIssues,
  ProjectionRunner,
  readChangeImpact,
  readKpis,
  readRecurringIssues,
  readTimeline,
} from '@heard/projections';
import { SqliteReadStore } from '@heard/read-store';
import { CustomerKeys, PersonalDataEventStore } from '@heard/security';
import { profileHeardInto, startBareServer, startHeardProcess } from './child-server';
import { kafkaBench } from './kafka-bench';
import { overloadBench } from './overload-bench';
import { esdbBench } from './esdb-bench';
import { postgresBench } from './postgres-bench';
import { peerBench } from './peer-bench';
import { screenBench } from './screen-bench';
import { summariseProfiles } from './profile-summary';
import { chart, docsReport, markdown, type BenchResults } from './report';
import {
  appendRate,
  CONTACT_BODY,
  contactEvent,
  contactLoad,
  log,
  openCases,
  percentile,
  round,
  run,
  type HttpFigures,
  JSON_HEADERS,
  BENCH_ADMIN_KEY,
  BENCH_MASTER_KEY,
} from './workload';

interface Options {
  kafka?: string;
  store?: string;
  appendEvents: number;
  kafkaMessages: number;
  events: number;
  catchUpEvents: number;
  duration: number;
  connections: number;
  out: string;
  profile?: string;
  docs?: boolean;
  reportFrom?: string;
}

const DOCS_PAGE = 'docs/benchmarks.md';
const DOCS_CHART = 'docs/benchmark.svg';
const DOCS_BEGIN =
  '<!-- Written by npm run bench -- --docs from the run it names: run it again, do not edit. -->';
const DOCS_END = '<!-- End of the run. -->';

/** docs/benchmarks.md's report of the run, and its picture, as this run measured them. */
const writeDocs = (results: BenchResults, command: string) => {
  const page = readFileSync(DOCS_PAGE, 'utf8');
  const [before, rest] = page.split(DOCS_BEGIN) as [string, string | undefined];
  if (rest === undefined || !rest.includes(DOCS_END))
    throw new Error(`${DOCS_PAGE} has no "${DOCS_BEGIN}" … "${DOCS_END}" part`);
  const report = docsReport(results, command, basename(DOCS_CHART));
  writeFileSync(
    DOCS_PAGE,
    `${before}${DOCS_BEGIN}\n\n${report}\n\n${rest.slice(rest.indexOf(DOCS_END))}`,
  );
  writeFileSync(DOCS_CHART, chart(results));
  // As the repository's Prettier writes it, so that its check passes.
  spawnSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--write', DOCS_PAGE],
    {
      stdio: 'inherit',
    },
  );
  log(`${DOCS_PAGE} and ${DOCS_CHART} now show this run`);
};

/** The command line of this run, as the docs show it. */
const commandOf = (argv: string[]) =>
  ['npm run bench', ...(argv.length ? ['--', ...argv.filter((a) => a !== '--docs')] : [])].join(
    ' ',
  );

const rssMb = async (url: string) => {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const match = /^heard_process_resident_memory_bytes (\d+(\.\d+)?)/m.exec(text);
  return match ? round(Number(match[1]) / 2 ** 20) : undefined;
};

/**
 * How long a changed projection takes to be live again: the customer timeline at a new
 * version, built beside the live one by the projections, while another thread reads
 * timelines (from the old tables, then the new).
 */
const blueGreenSwitch = async (dir: string, customers: number) => {
  const reads = new SqliteReadStore(join(dir, 'read-models.db'));
  const events = new PersonalDataEventStore(
    new SqliteEventStore(join(dir, 'events.db')),
    new CustomerKeys(reads, BENCH_MASTER_KEY),
  );
  const changed = defaultProjections().map((p) =>
    p.name === 'customer_timeline' ? { ...p, version: p.version + 1 } : p,
  );
  const runner = new ProjectionRunner(events, reads, changed, undefined, 5000);
  const reader = new Worker(join(__dirname, 'timeline-reads.worker.js'), {
    workerData: { file: join(dir, 'read-models.db'), customers },
  });
  try {
    await once(reader, 'message');
    const started = process.hrtime.bigint();
    await runner.start();
    while (runner.status().some((p) => p.rebuilding))
      await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    reader.postMessage('stop');
    const [times] = (await once(reader, 'message')) as [number[]];
    times.sort((a, b) => a - b);
    const figures = {
      projection: 'customer_timeline',
      seconds: round(seconds, 2),
      timelineReads: times.length,
      timelineReadP50Ms: round(percentile(times, 50), 3),
      timelineReadP99Ms: round(percentile(times, 99), 3),
    };
    log(
      `  customer_timeline at a new version: live again in ${figures.seconds} s; ${figures.timelineReads} timeline reads meanwhile, p50 ${figures.timelineReadP50Ms} ms, p99 ${figures.timelineReadP99Ms} ms`,
    );
    return figures;
  } finally {
    await reader.terminate();
    await runner.stop();
    await reads.close();
    await events.close();
  }
};

const main = async (o: Options) => {
  const results: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    options: o,
    command: commandOf(process.argv.slice(2)),
  };
  const work = mkdtempSync(join(tmpdir(), 'heard-bench-'));
  if (o.profile) {
    mkdirSync(o.profile, { recursive: true });
    profileHeardInto(o.profile);
  }
  try {
    // 1. The HTTP layer's ceiling on each platform, measured now, beside heard.
    log(`HTTP: ${o.connections} connections, ${o.duration} s per run`);
    const ceilings: Record<string, HttpFigures> = {};
    for (const platform of ['fastify', 'express'] as const) {
      const bare = await startBareServer(platform, 3901);
      ceilings[platform] = await run({
        url: `${bare.url}/bare`,
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify(CONTACT_BODY),
        connections: o.connections,
        duration: o.duration,
      });
      await bare.stop();
      log(
        `  bare route, Nest on ${platform}: ${ceilings[platform].requestsPerSecond} req/s, p50 ${ceilings[platform].p50Ms} ms, p99 ${ceilings[platform].p99Ms} ms`,
      );
    }
    results.bareRoute = ceilings;

    // On a PostgreSQL server: the store figures there, beside Emmett's PostgreSQL store.
    if (o.store) {
      if (/^postgres(ql)?:\/\//.test(o.store)) {
        const { emmettWebApiPostgres, ...postgres } = await postgresBench(o.store, work, o);
        results.postgres = postgres;
        results.peers = { emmettWebApiPostgres };
      } else if (/^esdb(\+discover)?:\/\//.test(o.store))
        results.esdb = await esdbBench(o.store, o);
      else
        throw new Error(
          `--store ${o.store}: postgres://… or esdb://… (the default is the embedded SQLite)`,
        );
    } else await embeddedBench(o, work, results, ceilings);
  } finally {
    rmSync(work, { recursive: true, force: true });
    results.finishedAt = new Date().toISOString();
  }
  if (o.profile) {
    // Each heard's threads write a profile each: the hottest functions of every one.
    results.profiles = summariseProfiles(o.profile);
    log(`CPU profiles in ${o.profile}; the hottest functions are in the JSON (profiles)`);
  }
  mkdirSync(resolve(o.out, '..'), { recursive: true });
  writeFileSync(o.out, JSON.stringify(results, null, 2));
  const chartFile = o.out.replace(/\.json$/, '') + '.svg';
  const reportFile = o.out.replace(/\.json$/, '') + '.md';
  writeFileSync(chartFile, chart(results as unknown as BenchResults));
  writeFileSync(reportFile, markdown(results as unknown as BenchResults, basename(chartFile)));
  log(`Figures written to ${o.out}, the report to ${reportFile} (picture: ${chartFile})`);
  if (o.docs) writeDocs(results as unknown as BenchResults, String(results.command));
};

/** The figures on the embedded default: HTTP, overload, the store, Kafka, a big store. */
const embeddedBench = async (
  o: Options,
  work: string,
  results: Record<string, unknown>,
  ceilings: Record<string, HttpFigures>,
) => {
  {
    // 2. Durable commands over HTTP, on heard as npm start runs it.
    const heard = await startHeardProcess(join(work, 'http'), 3902);
    const caseIds = await openCases(heard.url, 2000);
    await contactLoad(heard.url, caseIds, { ...o, duration: 3 }); // warm-up
    const max = await contactLoad(heard.url, caseIds, o);
    const rate80 = Math.floor(max.requestsPerSecond * 0.8);
    const at80 = await contactLoad(heard.url, caseIds, { ...o, overallRate: rate80 });
    log(
      `  heard POST /cases/:id/contacts (durable, group commit): ${max.requestsPerSecond} req/s, p50 ${max.p50Ms} ms, p99 ${max.p99Ms} ms; errors ${max.errors + max.non2xx}`,
    );
    log(
      `    = ${round((100 * max.requestsPerSecond) / ceilings.fastify!.requestsPerSecond)}% of the bare Fastify route`,
    );
    log(`  heard at 80% of its max (${rate80} req/s): p50 ${at80.p50Ms} ms, p99 ${at80.p99Ms} ms`);

    // 3. The batch route: 100 commands per request.
    let batchCursor = 0;
    const batchSize = 100;
    const batch = await run({
      url: heard.url,
      connections: 8,
      duration: o.duration,
      requests: [
        {
          method: 'POST',
          path: '/commands',
          headers: JSON_HEADERS,
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              commands: Array.from({ length: batchSize }, () => ({
                type: 'LogContact',
                data: { caseId: caseIds[batchCursor++ % caseIds.length], ...CONTACT_BODY },
              })),
            }),
          }),
        },
      ],
    });
    const batchCommandsPerSecond = round(batch.requestsPerSecond * batchSize);
    log(
      `  heard POST /commands (${batchSize} per request): ${batchCommandsPerSecond} commands/s, p99 ${batch.p99Ms} ms per request`,
    );
    results.commandsOverHttp = {
      singleRoute: max,
      at80PercentOfMax: { rate: rate80, ...at80 },
      batchRoute: {
        commandsPerRequest: batchSize,
        commandsPerSecond: batchCommandsPerSecond,
        ...batch,
      },
      rssMb: await rssMb(heard.url),
    };
    await heard.stop();

    // Overload and a hot case: what heard sheds, its memory, and one case under 50 writers.
    log('Overload and a hot case');
    results.overload = await overloadBench(work, max.requestsPerSecond, o.duration);

    // 4. The store alone: the same events appended by 64 concurrent appenders.
    const store = new SqliteEventStore(join(work, 'raw', 'events.db'));
    const appendEvents = 100_000;
    const rawRate = await appendRate(appendEvents, 64, (i) => {
      const event = contactEvent(i);
      return store.append(`case-raw-${i}`, [event], {
        expectedRevision: 'no_stream',
        commandId: event.metadata.commandId,
      });
    });
    await store.close();
    log(`  raw SQLite append (64 concurrent, synchronous=FULL, group commit): ${rawRate} events/s`);
    results.rawAppend = { events: appendEvents, eventsPerSecond: rawRate };

    // The same work on a peer: Emmett's SQLite event store.
    results.peers = { emmettSqlite: await peerBench(work, o.appendEvents) };

    // Kafka, when a broker is given.
    if (o.kafka) {
      log(`Kafka at ${o.kafka}: ${o.kafkaMessages} messages per run`);
      results.kafka = await kafkaBench(o.kafka.split(','), work, o.kafkaMessages);
    } else
      log(
        'Kafka figures skipped: pass --kafka 127.0.0.1:9092 (start a broker with scripts/kafka.sh start)',
      );

    // 5. A store of o.events events from the demo history, loaded through POST /commands.
    const bigDir = join(work, 'big');
    const loader = await startHeardProcess(bigDir, 3903);
    const customers = Math.ceil(o.events / 13.5);
    log(`Loading about ${o.events} events (${customers} demo customers) through POST /commands …`);
    const load = await loadOverHttp(loader.url, demoHistory({ ...DEMO_DEFAULTS, customers }), {
      apiKey: BENCH_ADMIN_KEY,
      batchSize: 500,
      concurrency: 4,
      onProgress: (sent) =>
        sent % 50_000 < 500 && process.stdout.write(`\r  ${sent} commands sent`),
    });
    process.stdout.write('\n');
    const loadRss = await rssMb(loader.url);
    // What it holds once quiet: heard collects its heap after 5 s without requests.
    await new Promise((r) => setTimeout(r, 10_000));
    const settledRss = await rssMb(loader.url);
    await loader.stop();
    log(
      `  loaded ${load.accepted} commands in ${round(load.seconds)} s = ${round(load.accepted / load.seconds)} commands/s (refused ${load.refused}); heard RSS ${loadRss} MB at the end, ${settledRss} MB 10 s later`,
    );

    // 6. Rebuild each projection from the first event, opening customers' words as heard does.
    const reads = new SqliteReadStore(join(bigDir, 'read-models.db'));
    const events = new PersonalDataEventStore(
      new SqliteEventStore(join(bigDir, 'events.db')),
      new CustomerKeys(reads, BENCH_MASTER_KEY),
    );
    const head = await events.countAfter(START);
    const runner = new ProjectionRunner(events, reads, defaultProjections(), undefined, 5000);
    const rebuild: Record<string, { events: number; seconds: number; eventsPerSecond: number }> =
      {};
    const timed = async (name: string, what: string, work: () => Promise<unknown>) => {
      const started = process.hrtime.bigint();
      await work();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      rebuild[name] = {
        events: head,
        seconds: round(seconds, 2),
        eventsPerSecond: round(head / seconds),
      };
      log(
        `  rebuild ${what}: ${head} events in ${round(seconds, 2)} s = ${rebuild[name].eventsPerSecond} events/s`,
      );
    };
    for (const projection of defaultProjections())
      await timed(projection.name, projection.name, () => runner.rebuild([projection.name]));
    const all = defaultProjections().map((p) => p.name);
    // All of them in one pass in one thread, as heard rebuilds a projection whose version changed.
    await timed('allOneThread', 'all in one pass, one thread', () => runner.rebuild(all));
    await runner.stop();
    // All of them as `heard rebuild` does: threads side by side, each into its own file, merged.
    let groups: string[][] = [];
    await timed('all', 'all as heard rebuild does', async () => {
      groups = await rebuildInParallel({
        eventStoreFile: join(bigDir, 'events.db'),
        reads,
        masterKey: BENCH_MASTER_KEY,
        rules: DEFAULT_PROJECTION_RULES,
        names: all,
      });
    });
    log(`    (${groups.length} threads: ${groups.map((g) => g.join(' + ')).join('; ')})`);

    // The reports at that size (each read a few times; the median).
    const reports: Record<string, { p50Ms: number }> = {};
    const time = async (name: string, read: () => Promise<unknown>) => {
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = process.hrtime.bigint();
        await read();
        runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      reports[name] = {
        p50Ms: round(
          percentile(
            runs.sort((a, b) => a - b),
            50,
          ),
          1,
        ),
      };
      log(`  ${name}: ${reports[name].p50Ms} ms`);
    };
    await time('recurring issues report', () => readRecurringIssues(reads, DEFAULT_SPIKE_RULE, {}));
    await time('candidate issues (90 days)', () =>
      findCandidateIssues(reads, DEFAULT_CANDIDATE_OPTIONS),
    );
    await time('change impact (14 days)', () => readChangeImpact(reads, DEMO_IVR_CHANGE, 14));
    await time('KPIs by week', () => readKpis(reads, { by: 'week' }));

    // 7. Timeline queries at that size: the read-store query alone, then over HTTP.
    const timings: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const customerId = `cust-${String(1 + ((i * 7919) % customers)).padStart(6, '0')}`;
      const t0 = process.hrtime.bigint();
      await readTimeline(reads, customerId, { limit: 50 });
      timings.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    timings.sort((a, b) => a - b);
    const direct = {
      queries: timings.length,
      p50Ms: round(percentile(timings, 50), 3),
      p99Ms: round(percentile(timings, 99), 3),
    };
    const [counted] = await reads.query<{ n: number }>('SELECT COUNT(*) AS n FROM ri_cases');
    await reads.close();
    await events.close();
    const server = await startHeardProcess(bigDir, 3904);
    const reportsLoad = await reportsUnderLoad(server, Number(counted?.n ?? 0));
    let q = 0;
    const overHttp = await run({
      url: server.url,
      connections: 16,
      duration: o.duration,
      requests: [
        {
          method: 'GET',
          headers: JSON_HEADERS,
          setupRequest: (request) => ({
            ...request,
            path: `/customers/cust-${String(1 + ((q++ * 7919) % customers)).padStart(6, '0')}/timeline`,
          }),
        },
      ],
    });
    // 8. The agent's customer screen in a browser, against the same heard.
    const screens = await screenBench(
      server.url,
      BENCH_ADMIN_KEY,
      Array.from(
        { length: 30 },
        (_, i) => `cust-${String(1 + ((i * 7919) % customers)).padStart(6, '0')}`,
      ),
    );
    await server.stop();
    log(
      screens.customerScreen
        ? `  customer screen at ${head} events: first ${screens.customerScreen.firstMs} ms, p50 ${screens.customerScreen.p50Ms} ms, max ${screens.customerScreen.maxMs} ms over ${screens.customerScreen.loads} loads; app JavaScript ${screens.jsGzipKb} KB gzipped`
        : `  customer screen skipped (${screens.skipped}); app JavaScript ${screens.jsGzipKb} KB gzipped`,
    );
    results.screens = screens;
    log(
      `  timeline at ${head} events: query p50 ${direct.p50Ms} ms, p99 ${direct.p99Ms} ms; over HTTP ${overHttp.requestsPerSecond} req/s, p50 ${overHttp.p50Ms} ms, p99 ${overHttp.p99Ms} ms`,
    );
    // 9. A new version of the timeline built beside the live one while timeline reads go on.
    const blueGreen = await blueGreenSwitch(bigDir, customers);
    results.bigStore = {
      events: head,
      load: {
        commands: load.accepted,
        seconds: round(load.seconds),
        commandsPerSecond: round(load.accepted / load.seconds),
        rssMb: loadRss,
        rssMbSettled: settledRss,
      },
      rebuild,
      reports,
      reportsUnderLoad: reportsLoad,
      timeline: { direct, overHttp },
      blueGreen,
    };
  }
};

const cli = new Command('bench')
  .option('--kafka <brokers>', 'measure the Kafka intake and publisher against these brokers')
  .option('--kafka-messages <n>', 'messages per Kafka run', (v) => Number(v), 50_000)
  .option(
    '--store <url>',
    'measure on this server instead: postgres://… (appends beside Emmett, HTTP on one and on two API instances, failover; in schemas of its own, dropped after) or esdb://… (appends and reads)',
  )
  .option(
    '--append-events <n>',
    'events per append run on PostgreSQL and beside the peer',
    (v) => Number(v),
    20_000,
  )
  .option('--events <n>', 'size of the big store', (v) => Number(v), 1_000_000)
  .option(
    '--catch-up-events <n>',
    'events stored before the read models start, on PostgreSQL',
    (v) => Number(v),
    200_000,
  )
  .option('--duration <s>', 'seconds per HTTP run', (v) => Number(v), 10)
  .option('--connections <n>', 'concurrent HTTP clients', (v) => Number(v), 64)
  .option(
    '--profile <dir>',
    "start every heard with --cpu-prof into this folder, and add each profile's hottest functions to the figures (which the profiler slows)",
  )
  .option(
    '--out <file>',
    'where the figures go',
    `bench-results/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
  )
  .option(
    '--docs',
    `also write the run's report into ${DOCS_PAGE} and its picture to ${DOCS_CHART}`,
  )
  .option(
    '--report-from <json>',
    `run nothing: write the report of this earlier run's figures into ${DOCS_PAGE}`,
  )
  .parse();
const options = cli.opts<Options>();
(options.reportFrom
  ? Promise.resolve().then(() => {
      const results = JSON.parse(readFileSync(options.reportFrom!, 'utf8')) as BenchResults & {
        command?: string;
      };
      writeDocs(results, results.command ?? 'npm run bench');
    })
  : main(options)
).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof StartRefused ? `bench: ${error.message}` : error);
    process.exit(1);
  },
);
