import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { startHeardProcess, type ChildServer } from './child-server';
import { log, round, JSON_HEADERS } from './workload';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const rssMb = async (url: string) => {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const match = /^heard_process_resident_memory_bytes (\d+(\.\d+)?)/m.exec(text);
  return match ? round(Number(match[1]) / 2 ** 20) : 0;
};

/** How long /health/live took at worst, three ways (ms). */
export interface SlowestHealth {
  /** On the API's port, over one kept-alive connection (a load balancer's pool). */
  apiPortKeepAlive: number;
  /** On the API's port, a new connection per probe: it waits behind a burst of new connections. */
  apiPortNewConnection: number;
  /** On HEARD_OPS_PORT, a new connection per probe, as Kubernetes probes. */
  opsPortNewConnection: number;
}

export const startProbe = (url: string, mode: 'keep-alive' | 'new-connection') => {
  const probe = fork(join(__dirname, 'health-probe.js'), [url, mode], { stdio: 'ignore' });
  const slowest = new Promise<number>((resolve) =>
    probe.once('message', (m) => resolve(round(Number(m)))),
  );
  return {
    stop: async () => {
      probe.send('stop');
      return slowest;
    },
    kill: () => probe.connected && probe.kill(),
  };
};

/**
 * While `work` runs: probes in their own processes ask /health/live every 100 ms (see
 * SlowestHealth), and RSS is read every 500 ms (the peak).
 */
const watch = async <T>(heard: ChildServer, work: () => Promise<T>) => {
  const probes = {
    apiPortKeepAlive: startProbe(heard.url, 'keep-alive'),
    apiPortNewConnection: startProbe(heard.url, 'new-connection'),
    opsPortNewConnection: startProbe(heard.opsUrl, 'new-connection'),
  };
  let running = true;
  let peakRssMb = 0;
  const rss = (async () => {
    while (running) {
      peakRssMb = Math.max(peakRssMb, await rssMb(heard.url).catch(() => 0));
      await sleep(500);
    }
  })();
  try {
    await sleep(500); // the keep-alive probe's connection is open before the load starts
    const result = await work();
    running = false;
    await rss;
    const slowestHealthMs: SlowestHealth = {
      apiPortKeepAlive: await probes.apiPortKeepAlive.stop(),
      apiPortNewConnection: await probes.apiPortNewConnection.stop(),
      opsPortNewConnection: await probes.opsPortNewConnection.stop(),
    };
    return { result, peakRssMb, slowestHealthMs };
  } finally {
    running = false;
    for (const probe of Object.values(probes)) probe.kill();
  }
};

const describeHealth = (h: SlowestHealth) =>
  `slowest /health/live ${h.apiPortKeepAlive} ms (API port, kept-alive), ${h.apiPortNewConnection} ms (API port, new connections), ${h.opsPortNewConnection} ms (ops port, new connections)`;

const openCase = (caseId: string, extra: Record<string, string> = {}) => ({
  type: 'OpenCase',
  data: {
    caseId,
    customerId: `c-${caseId}`,
    channel: 'phone',
    category: 'billing',
    summary: 'Charged twice',
    ...extra,
  },
});

const postBatch = (url: string, commands: unknown[]) => postBody(url, JSON.stringify({ commands }));

/** The status of a batch, or 0 when the connection failed before an answer. */
const postBody = async (url: string, body: string) => {
  try {
    const response = await fetch(`${url}/commands`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body,
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
};

/** RSS 20 s after load has stopped: heard collects once it has been quiet for 5 s. */
const settledRss = async (url: string) => {
  await sleep(20_000);
  return rssMb(url);
};

export interface OverloadFigures {
  twiceMax: {
    offeredRate: number;
    served: number;
    shed: number;
    errors: number;
    p50Ms: number;
    p99Ms: number;
    slowestHealthMs: SlowestHealth;
    /** Before: settled after the same time at the sustainable rate, so that what fills up in any run (the in-process topics' last 10,000 messages, V8's working heap) is in both. */
    rssMb: { before: number; peak: number; after: number };
  };
  bigBatches: {
    batches: number;
    bytesEach: number;
    served: number;
    shed: number;
    /** Neither served nor shed: the connection failed. */
    failed: number;
    slowestHealthMs: SlowestHealth;
    /** Before: settled after four such batches one after the other. */
    rssMb: { before: number; peak: number; after: number };
  };
  hotCase: {
    priorEvents: number;
    writers: number;
    commandsPerSecond: number;
    non201: number;
    p50Ms: number;
    p99Ms: number;
  };
}

/**
 * Overload and a hot case, each on a fresh heard as `npm start` runs it: contacts offered
 * at twice the rate heard sustains; 30 parallel batches of about 15 MB; 50 writers on one
 * case of 1,500 events.
 */
export const overloadBench = async (
  work: string,
  maxRate: number,
  duration: number,
): Promise<OverloadFigures> => {
  // 1. Twice the sustainable rate, from enough connections that the offer is not capped by
  // them, all opened at once: the start of a load from a new client.
  let heard: ChildServer = await startHeardProcess(join(work, 'overload'), 3905);
  const caseIds = Array.from({ length: 2000 }, (_, i) => `over-${i}`);
  for (let i = 0; i < caseIds.length; i += 500)
    await postBatch(
      heard.url,
      caseIds.slice(i, i + 500).map((id) => openCase(id)),
    );
  const offeredRate = Math.round(2 * maxRate);
  let n = 0;
  const contacts = (connections: number, overallRate: number) =>
    autocannon({
      url: heard.url,
      connections,
      duration,
      overallRate,
      requests: [
        {
          method: 'POST',
          headers: JSON_HEADERS,
          setupRequest: (request) => ({
            ...request,
            path: `/cases/${caseIds[n++ % caseIds.length]}/contacts`,
            body: JSON.stringify({
              channel: 'phone',
              direction: 'inbound',
              agentId: 'a',
              note: 'again',
            }),
          }),
        },
      ],
    });
  // The same time at the sustainable rate first: RSS before is then that of a heard in use.
  await contacts(64, Math.round(maxRate));
  const before = await settledRss(heard.url);
  const twice = await watch(heard, () => contacts(512, offeredRate));
  const statuses = twice.result.statusCodeStats as unknown as Record<string, { count: number }>;
  const twiceMax = {
    offeredRate,
    served: statuses['201']?.count ?? 0,
    shed: statuses['503']?.count ?? 0,
    errors: twice.result.errors + twice.result.timeouts,
    p50Ms: twice.result.latency.p50,
    p99Ms: twice.result.latency.p99,
    slowestHealthMs: twice.slowestHealthMs,
    rssMb: { before, peak: twice.peakRssMb, after: await settledRss(heard.url) },
  };
  log(
    `  at 2x (${offeredRate} req/s offered, 512 connections): ${twiceMax.served} served, ${twiceMax.shed} shed (503), p50 ${twiceMax.p50Ms} ms, p99 ${twiceMax.p99Ms} ms; ${describeHealth(twiceMax.slowestHealthMs)}; RSS ${before} -> ${twiceMax.rssMb.peak} -> ${twiceMax.rssMb.after} MB`,
  );
  await heard.stop();

  // 2. 30 parallel batches of 1,000 cases, about 15 MB each (multi-byte text).
  heard = await startHeardProcess(join(work, 'batches'), 3906);
  const batch = (b: number) =>
    Array.from({ length: 1000 }, (_, i) =>
      openCase(`big-${b}-${i}`, { summary: '€'.repeat(4000), desiredOutcome: 'x'.repeat(2500) }),
    );
  // Built before the clock starts: 420 MB of JSON would hold this process, not heard.
  const bodies = Array.from({ length: 34 }, (_, b) => JSON.stringify({ commands: batch(b) }));
  // Four of them one after the other first (as many as heard takes at once): RSS before is
  // that of a heard that has served such batches.
  for (const body of bodies.splice(0, 4)) await postBody(heard.url, body);
  const bigBefore = await settledRss(heard.url);
  const big = await watch(heard, () =>
    Promise.all(bodies.map((body) => postBody(heard.url, body))),
  );
  const bigBatches = {
    batches: 30,
    bytesEach: Buffer.byteLength(bodies[0]!),
    served: big.result.filter((s) => s === 200).length,
    shed: big.result.filter((s) => s === 503).length,
    failed: big.result.filter((s) => s !== 200 && s !== 503).length,
    slowestHealthMs: big.slowestHealthMs,
    rssMb: { before: bigBefore, peak: big.peakRssMb, after: await settledRss(heard.url) },
  };
  log(
    `  30 parallel batches of ${round(bigBatches.bytesEach / 2 ** 20)} MB: ${bigBatches.served} served, ${bigBatches.shed} shed, ${bigBatches.failed} failed; ${describeHealth(bigBatches.slowestHealthMs)}; RSS ${bigBefore} -> ${bigBatches.rssMb.peak} -> ${bigBatches.rssMb.after} MB`,
  );
  await heard.stop();

  // 3. A hot case: 1,500 events, then 50 writers on it at once.
  heard = await startHeardProcess(join(work, 'hot'), 3907);
  await postBatch(heard.url, [openCase('hot')]);
  const contact = { channel: 'chat', direction: 'inbound', agentId: 'a', note: 'hot' };
  for (let i = 0; i < 1500; i += 500)
    await postBatch(
      heard.url,
      Array.from({ length: Math.min(500, 1499 - i) }, () => ({
        type: 'LogContact',
        data: { caseId: 'hot', ...contact },
      })),
    );
  const hot = await autocannon({
    url: `${heard.url}/cases/hot/contacts`,
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify(contact),
    connections: 50,
    duration,
  });
  const hotCase = {
    priorEvents: 1500,
    writers: 50,
    commandsPerSecond: round(hot.requests.average),
    non201: hot.non2xx + hot.errors,
    p50Ms: hot.latency.p50,
    p99Ms: hot.latency.p99,
  };
  log(
    `  hot case (50 writers, one case of 1,500 events): ${hotCase.commandsPerSecond} commands/s, p50 ${hotCase.p50Ms} ms, p99 ${hotCase.p99Ms} ms, not 201: ${hotCase.non201}`,
  );
  await heard.stop();
  return { twiceMax, bigBatches, hotCase };
};
