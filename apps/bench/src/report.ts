import type { PeerFigures } from './peer-bench';
import type { ScreenFigures } from './screen-bench';
import { round, type HttpFigures } from './workload';

/** The parts of the bench's JSON the report reads (each may be missing: a run may skip it). */
export interface BenchResults {
  startedAt: string;
  machine: { node: string; cpus: number };
  bareRoute?: Record<string, HttpFigures>;
  commandsOverHttp?: {
    singleRoute: HttpFigures;
    at80PercentOfMax: HttpFigures & { rate: number };
    batchRoute: HttpFigures & { commandsPerSecond: number };
  };
  kafka?: { bareProducerPerSecond: number; intakeCommandsPerSecond: number };
  bigStore?: {
    events: number;
    load: { rssMb?: number; rssMbSettled?: number };
    rebuild: Record<string, { eventsPerSecond: number }>;
    blueGreen?: { seconds: number; timelineReadP99Ms: number };
  };
  postgres?: { projections?: { events: number; catchUpEventsPerSecond: number } };
  peers?: { emmettSqlite: PeerFigures };
  screens?: ScreenFigures;
}

interface Aim {
  figure: string;
  reached: string;
  aim: string;
  met: boolean | undefined;
}

/** The issue's aims, each with what this run reached. */
export const aims = (r: BenchResults): Aim[] => {
  const list: Aim[] = [];
  const bare = r.bareRoute?.fastify?.requestsPerSecond;
  const http = r.commandsOverHttp;
  if (bare && http) {
    const share = round((100 * http.singleRoute.requestsPerSecond) / bare);
    list.push({
      figure: 'durable commands, share of the bare Fastify route',
      reached: `${share}% (${http.singleRoute.requestsPerSecond} of ${bare} req/s)`,
      aim: '≥ 50%',
      met: share >= 50,
    });
    list.push({
      figure: `p99 at 80% of heard's max (${http.at80PercentOfMax.rate} req/s)`,
      reached: `${http.at80PercentOfMax.p99Ms} ms`,
      aim: '≤ 25 ms',
      met: http.at80PercentOfMax.p99Ms <= 25,
    });
  }
  const big = r.bigStore;
  if (big?.rebuild.all) {
    const rate = big.rebuild.all.eventsPerSecond;
    list.push({
      figure: `all seven projections rebuilt in one run (${big.events} events)`,
      reached: `${rate} events/s`,
      aim: '≥ 100,000 events/s at 1M events',
      met: big.events >= 1_000_000 ? rate >= 100_000 : undefined,
    });
  }
  if (big?.load.rssMb !== undefined)
    list.push({
      figure: `RSS after loading ${big.events} events`,
      reached: `${big.load.rssMb} MiB at the end of the load, ${big.load.rssMbSettled} MiB 10 s later`,
      aim: '≤ 256 MiB at 1M events',
      met: big.events >= 1_000_000 ? big.load.rssMb <= 256 : undefined,
    });
  if (r.kafka) {
    const share = round((100 * r.kafka.intakeCommandsPerSecond) / r.kafka.bareProducerPerSecond);
    list.push({
      figure: 'Kafka intake, share of the bare kafkajs producer',
      reached: `${share}% (${r.kafka.intakeCommandsPerSecond} of ${r.kafka.bareProducerPerSecond}/s)`,
      aim: '≥ 50%',
      met: share >= 50,
    });
  }
  const peer = r.peers?.emmettSqlite;
  if (peer)
    for (const [work, ratio] of [
      ['append', peer.ratio.append],
      ['read all back', peer.ratio.readAll],
    ] as const)
      list.push({
        figure: `${work}, heard over Emmett's SQLite store`,
        reached: `${ratio}x`,
        aim: '> 1x',
        met: ratio > 1,
      });
  if (big?.blueGreen)
    list.push({
      figure: `a changed projection live again, blue/green (${big.events} events)`,
      reached: `${big.blueGreen.seconds} s, timeline reads p99 ${big.blueGreen.timelineReadP99Ms} ms meanwhile`,
      aim: '≤ 30 s, p99 ≤ 50 ms at 1M events',
      met:
        big.events >= 1_000_000
          ? big.blueGreen.seconds <= 30 && big.blueGreen.timelineReadP99Ms <= 50
          : undefined,
    });
  const catchUp = r.postgres?.projections;
  if (catchUp)
    list.push({
      figure: `PostgreSQL read models catching up from behind (${catchUp.events} events)`,
      reached: `${catchUp.catchUpEventsPerSecond} events/s`,
      aim: '≥ 20,000 events/s',
      met: catchUp.catchUpEventsPerSecond >= 20_000,
    });
  const screens = r.screens;
  if (screens?.customerScreen && big)
    list.push({
      figure: `customer screen shown in the browser (${big.events} events; ${screens.customerScreen.loads} loads)`,
      reached: `p50 ${screens.customerScreen.p50Ms} ms, max ${screens.customerScreen.maxMs} ms (first ${screens.customerScreen.firstMs} ms)`,
      aim: '≤ 1 s at 1M events',
      met: big.events >= 1_000_000 ? screens.customerScreen.maxMs <= 1000 : undefined,
    });
  if (screens)
    list.push({
      figure: "the screens' JavaScript, gzipped",
      reached: `${screens.jsGzipKb} KB`,
      aim: '< 150 KB',
      met: screens.jsGzipKb < 150,
    });
  return list;
};

interface Bar {
  label: string;
  values: number[];
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const COLOURS = ['#1f5f99', '#d9822b', '#5a9e4b'];

/** One panel of horizontal bars, a group per label, one bar per series. */
const panel = (
  title: string,
  series: string[],
  bars: Bar[],
  unit: string,
  top: number,
): { svg: string; height: number } => {
  const width = 760;
  const left = 230;
  const barHeight = 14;
  const groupHeight = series.length * barHeight + 10;
  const max = Math.max(1, ...bars.flatMap((b) => b.values));
  const scale = (width - left - 90) / max;
  const parts = [
    `<text x="10" y="${top + 18}" font-size="15" font-weight="bold">${escape(title)}</text>`,
  ];
  series.forEach((name, s) =>
    parts.push(
      `<rect x="${left + s * 110}" y="${top + 28}" width="12" height="12" fill="${COLOURS[s]}"/>`,
      `<text x="${left + s * 110 + 16}" y="${top + 38}" font-size="12">${escape(name)}</text>`,
    ),
  );
  bars.forEach((bar, i) => {
    const y = top + 50 + i * groupHeight;
    parts.push(
      `<text x="${left - 8}" y="${y + (series.length * barHeight) / 2 + 4}" font-size="12" text-anchor="end">${escape(bar.label)}</text>`,
    );
    bar.values.forEach((value, s) => {
      const w = Math.max(1, value * scale);
      parts.push(
        `<rect x="${left}" y="${y + s * barHeight}" width="${round(w)}" height="${barHeight - 2}" fill="${COLOURS[s]}"/>`,
        `<text x="${left + w + 4}" y="${y + s * barHeight + 10}" font-size="11">${value.toLocaleString('en')} ${unit}</text>`,
      );
    });
  });
  return { svg: parts.join('\n'), height: 60 + bars.length * groupHeight };
};

/** Throughput and latency percentiles per scenario, as one SVG picture. */
export const chart = (r: BenchResults): string => {
  const throughput: Bar[] = [];
  const latency: Bar[] = [];
  for (const [platform, figures] of Object.entries(r.bareRoute ?? {})) {
    throughput.push({ label: `bare route (${platform})`, values: [figures.requestsPerSecond] });
    latency.push({ label: `bare route (${platform})`, values: [figures.p50Ms, figures.p99Ms] });
  }
  const http = r.commandsOverHttp;
  if (http) {
    throughput.push(
      { label: 'heard, durable contacts', values: [http.singleRoute.requestsPerSecond] },
      { label: 'heard, batch route (commands)', values: [http.batchRoute.commandsPerSecond] },
    );
    latency.push(
      {
        label: 'heard at its max',
        values: [http.singleRoute.p50Ms, http.singleRoute.p99Ms],
      },
      {
        label: 'heard at 80% of its max',
        values: [http.at80PercentOfMax.p50Ms, http.at80PercentOfMax.p99Ms],
      },
    );
  }
  if (r.kafka)
    throughput.push(
      { label: 'bare kafkajs producer', values: [r.kafka.bareProducerPerSecond] },
      { label: 'Kafka intake', values: [r.kafka.intakeCommandsPerSecond] },
    );
  if (r.bigStore?.rebuild.all)
    throughput.push({
      label: 'rebuild, all projections',
      values: [r.bigStore.rebuild.all.eventsPerSecond],
    });
  const peer = r.peers?.emmettSqlite;
  const store: Bar[] = peer
    ? [
        {
          label: 'append (64 concurrent)',
          values: [peer.heard.appendEventsPerSecond, peer.emmettSqlite.appendEventsPerSecond],
        },
        {
          label: 'read all back',
          values: [peer.heard.readAllEventsPerSecond, peer.emmettSqlite.readAllEventsPerSecond],
        },
      ]
    : [];
  let top = 0;
  const panels: string[] = [];
  for (const [title, series, bars, unit] of [
    ['Throughput per scenario (per second)', ['rate'], throughput, '/s'],
    ['Latency per scenario', ['p50', 'p99'], latency, 'ms'],
    ['Event store: heard beside Emmett SQLite (events/s)', ['heard', 'Emmett'], store, '/s'],
  ] as const) {
    if (bars.length === 0) continue;
    const drawn = panel(title, [...series], bars, unit, top);
    panels.push(drawn.svg);
    top += drawn.height + 20;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="760" height="${top}" viewBox="0 0 760 ${top}" font-family="sans-serif" role="img" aria-label="heard benchmark: throughput and latency per scenario">`,
    `<rect width="760" height="${top}" fill="white"/>`,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
};

/** The run as markdown: the aims met or not, then the picture. */
export const markdown = (r: BenchResults, chartFile: string): string => {
  const rows = aims(r).map(
    (a) =>
      `| ${a.figure} | ${a.reached} | ${a.aim} | ${a.met === undefined ? 'not at that size' : a.met ? 'yes' : 'no'} |`,
  );
  return [
    `# heard benchmark, ${r.startedAt}`,
    '',
    `Node ${r.machine.node}, ${r.machine.cpus} cores.`,
    '',
    '| figure | reached | aim | met |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    `![Throughput and latency per scenario](${chartFile})`,
    '',
  ].join('\n');
};

const n = (value: number) => value.toLocaleString('en');

const REBUILD_RUNS: Record<string, string> = {
  allOneThread: 'all projections in one pass, one thread',
  all: 'all projections as `heard rebuild` does (two threads side by side, merged)',
};

/** What the run measured, a row per figure (the parts it ran). */
const figures = (r: BenchResults): Array<[string, string]> => {
  const rows: Array<[string, string]> = [];
  for (const [platform, f] of Object.entries(r.bareRoute ?? {}))
    rows.push([
      `bare route, Nest on ${platform} (parse the JSON body, answer 201)`,
      `${n(f.requestsPerSecond)} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms`,
    ]);
  const http = r.commandsOverHttp;
  if (http) {
    const s = http.singleRoute;
    rows.push(
      [
        '`POST /cases/:id/contacts`, durable (fsync before the 201)',
        `${n(s.requestsPerSecond)} req/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`,
      ],
      [
        `the same at 80% of that rate (${n(http.at80PercentOfMax.rate)} req/s offered)`,
        `p50 ${http.at80PercentOfMax.p50Ms} ms, p99 ${http.at80PercentOfMax.p99Ms} ms`,
      ],
      [
        '`POST /commands`, 100 commands per request',
        `${n(http.batchRoute.commandsPerSecond)} commands/s, p99 ${http.batchRoute.p99Ms} ms per request`,
      ],
    );
  }
  const peer = r.peers?.emmettSqlite;
  if (peer)
    rows.push(
      [
        `append, ${n(peer.events)} events by ${peer.appenders} appenders: heard / Emmett's SQLite store`,
        `${n(peer.heard.appendEventsPerSecond)} / ${n(peer.emmettSqlite.appendEventsPerSecond)} events/s`,
      ],
      [
        'all of them read back in order: heard / Emmett',
        `${n(peer.heard.readAllEventsPerSecond)} / ${n(peer.emmettSqlite.readAllEventsPerSecond)} events/s`,
      ],
    );
  if (r.kafka)
    rows.push(
      [
        'Kafka: bare kafkajs producer (idempotent, acks=all)',
        `${n(r.kafka.bareProducerPerSecond)} messages/s`,
      ],
      [
        'Kafka intake, message in to event durable',
        `${n(r.kafka.intakeCommandsPerSecond)} commands/s`,
      ],
    );
  const big = r.bigStore;
  if (big) {
    if (big.load.rssMb !== undefined)
      rows.push([
        `heard's RSS after loading ${n(big.events)} events / 10 s later`,
        `${big.load.rssMb} / ${big.load.rssMbSettled} MiB`,
      ]);
    for (const [projection, rebuild] of Object.entries(big.rebuild))
      rows.push([
        `rebuild at ${n(big.events)} events: ${REBUILD_RUNS[projection] ?? `\`${projection}\` alone`}`,
        `${n(rebuild.eventsPerSecond)} events/s`,
      ]);
  }
  if (r.screens?.customerScreen)
    rows.push([
      `customer screen shown in Chromium, ${r.screens.customerScreen.loads} loads: first / p50 / slowest`,
      `${r.screens.customerScreen.firstMs} / ${r.screens.customerScreen.p50Ms} / ${r.screens.customerScreen.maxMs} ms`,
    ]);
  return rows;
};

/** The run as docs/benchmarks.md shows it: how it was run, the aims, every figure. */
export const docsReport = (r: BenchResults, command: string, chartFile: string): string =>
  [
    `\`${command}\`, started ${r.startedAt}, on Node ${r.machine.node} with ${r.machine.cpus} cores (the load generator on the same machine).`,
    '',
    '| figure | reached | aim | met |',
    '| --- | --- | --- | --- |',
    ...aims(r).map(
      (a) =>
        `| ${a.figure} | ${a.reached} | ${a.aim} | ${a.met === undefined ? 'not at that size' : a.met ? 'yes' : 'no'} |`,
    ),
    '',
    '| figure | measured |',
    '| --- | --- |',
    ...figures(r).map(([what, measured]) => `| ${what} | ${measured} |`),
    '',
    `![Throughput and latency per scenario](${chartFile})`,
  ].join('\n');
