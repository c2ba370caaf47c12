import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { postgresLocation } from '@heard/config';
import { DEMO_DEFAULTS, demoHistory, loadOverHttp } from '@heard/demo';
import { PostgresEventStore, START } from '@heard/event-store';
import { defaultProjections, ProjectionRunner } from '@heard/projections';
import { PostgresReadStore } from '@heard/read-store';
import { CustomerKeys, PersonalDataEventStore } from '@heard/security';
import { startEmmettWebApi, startHeardProcess, type ChildServer } from './child-server';
import { loadPeers } from './peers';
import {
  appendRate,
  BENCH_ADMIN_KEY,
  BENCH_MASTER_KEY,
  contactEvent,
  contactLoad,
  log,
  openCases,
  round,
} from './workload';

const standby = async (server: ChildServer, part: string) => {
  const health = (await (await fetch(`${server.opsUrl}/health`)).json()) as {
    parts: Record<string, { standby?: boolean }>;
  };
  return health.parts[part]?.standby === true;
};

/**
 * The store figures on a PostgreSQL server (`npm run bench -- --store postgres://…`): heard's
 * append path beside Emmett's PostgreSQL event store on the same server with the same events
 * and concurrency; durable commands over HTTP on one instance, then on two API instances with
 * a worker; and the failover time when the worker holding the leases is killed. heard works
 * in schemas of its own and Emmett in a database of its own (CREATEDB needed), dropped at the end.
 */
export const postgresBench = async (
  url: string,
  work: string,
  o: { duration: number; connections: number; appendEvents: number; catchUpEvents: number },
) => {
  const id = randomUUID().replace(/-/g, '').slice(0, 8);
  const schemas = {
    heard: `bench_heard_${id}`,
    http: `bench_http_${id}`,
    several: `bench_several_${id}`,
    catchUp: `bench_catchup_${id}`,
  };
  // Emmett's migrations skip functions another schema of the database already has: it gets a
  // database of its own.
  const emmettDatabase = `bench_emmett_${id}`;
  const admin = new Client({ connectionString: postgresLocation(url).url });
  await admin.connect();
  const servers: ChildServer[] = [];
  try {
    await admin.query(`CREATE DATABASE ${emmettDatabase}`);

    // 1. Appends: the same events, 64 appenders, one event per append, on each store.
    log(`PostgreSQL at ${new URL(url).host}: ${o.appendEvents} events, 64 concurrent appenders`);
    const heardStore = new PostgresEventStore(
      postgresLocation(`${url}${url.includes('?') ? '&' : '?'}schema=${schemas.heard}`),
    );
    await heardStore.head(); // makes its tables, outside the measurement
    const emmettUrl = new URL(postgresLocation(url).url);
    emmettUrl.pathname = `/${emmettDatabase}`;
    const peers = loadPeers();
    const emmett = await peers.openEmmettPostgres(emmettUrl.toString());
    let stream = 0;
    const runs = {
      heard: () =>
        appendRate(o.appendEvents, 64, (i) => {
          const event = contactEvent(i);
          return heardStore.append(`case-raw-${stream++}`, [event], {
            expectedRevision: 'no_stream',
            commandId: event.metadata.commandId,
          });
        }),
      emmett: () =>
        appendRate(o.appendEvents, 64, (i) => {
          const { type, data, metadata } = contactEvent(i);
          return emmett.appendNew(`case-raw-${stream++}`, [
            { type, data: data as Record<string, unknown>, metadata },
          ]);
        }),
    };
    // Taking turns, three rounds each: the server's own rhythm (checkpoints, autovacuum)
    // falls on both; the median of each.
    const rates: Record<keyof typeof runs, number[]> = { heard: [], emmett: [] };
    for (let turn = 0; turn < 3; turn++)
      for (const name of ['heard', 'emmett'] as const) rates[name].push(await runs[name]());
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[1]!;
    const heardRate = median(rates.heard);
    const emmettRate = median(rates.emmett);
    await heardStore.close();
    await emmett.close();
    log(
      `  heard PostgresEventStore: ${heardRate} events/s (runs ${rates.heard.join(', ')}); Emmett emmett-postgresql: ${emmettRate} events/s (runs ${rates.emmett.join(', ')}); heard ${round(heardRate / emmettRate, 2)}x`,
    );

    // 2. Durable commands over HTTP on one heard, both stores on the server.
    const stores = (schema: string) => {
      const at = `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
      return { HEARD_EVENT_STORE: at, HEARD_READ_STORE: at };
    };
    const single = await startHeardProcess(join(work, 'pg-single'), 3920, stores(schemas.http));
    servers.push(single);
    const caseIds = await openCases(single.url, 2000);
    await contactLoad(single.url, caseIds, { connections: o.connections, duration: 3 }); // warm-up
    const one = await contactLoad(single.url, caseIds, o);
    await single.stop();
    log(
      `  one instance, POST /cases/:id/contacts: ${one.requestsPerSecond} req/s, p50 ${one.p50Ms} ms, p99 ${one.p99Ms} ms, errors ${one.errors + one.non2xx}`,
    );
    // The same load on Emmett's web API over its PostgreSQL store, on the same server.
    const peer = await startEmmettWebApi(peers.emmettWebApiScript, emmettUrl.toString(), 3926);
    servers.push(peer);
    await contactLoad(peer.url, caseIds, { connections: o.connections, duration: 3 }); // warm-up
    const emmettWeb = await contactLoad(peer.url, caseIds, o);
    await peer.stop();
    log(
      `  Emmett's web API (Express, emmett-postgresql), the same route: ${emmettWeb.requestsPerSecond} req/s, p50 ${emmettWeb.p50Ms} ms, p99 ${emmettWeb.p99Ms} ms, errors ${emmettWeb.errors + emmettWeb.non2xx}; heard ${round(one.requestsPerSecond / emmettWeb.requestsPerSecond, 2)}x`,
    );

    // 3. Two API instances and a worker (a second worker standing by), load split between them.
    const env = stores(schemas.several);
    const worker = await startHeardProcess(join(work, 'pg-worker'), 3921, {
      ...env,
      HEARD_ROLES: 'projections,publisher,relay,scheduler',
    });
    servers.push(worker);
    const spare = await startHeardProcess(join(work, 'pg-spare'), 3922, {
      ...env,
      HEARD_ROLES: 'projections,publisher,relay,scheduler',
    });
    servers.push(spare);
    const apis = [
      await startHeardProcess(join(work, 'pg-api-1'), 3923, { ...env, HEARD_ROLES: 'api,intake' }),
      await startHeardProcess(join(work, 'pg-api-2'), 3924, { ...env, HEARD_ROLES: 'api,intake' }),
    ];
    servers.push(...apis);
    const severalCases = await openCases(apis[0]!.url, 2000);
    await Promise.all(
      apis.map((api) =>
        contactLoad(api.url, severalCases, { connections: o.connections / 2, duration: 3 }),
      ),
    );
    const both = await Promise.all(
      apis.map((api) =>
        contactLoad(api.url, severalCases, {
          connections: o.connections / 2,
          duration: o.duration,
        }),
      ),
    );
    const two = {
      requestsPerSecond: round(both.reduce((n, f) => n + f.requestsPerSecond, 0)),
      p50Ms: Math.max(...both.map((f) => f.p50Ms)),
      p99Ms: Math.max(...both.map((f) => f.p99Ms)),
      errors: both.reduce((n, f) => n + f.errors + f.non2xx, 0),
    };
    log(
      `  two API instances and a worker: ${two.requestsPerSecond} req/s together, p50 ${two.p50Ms} ms, p99 ${two.p99Ms} ms, errors ${two.errors}`,
    );

    // 4. Failover: kill the worker that holds the leases; time until the spare runs each role.
    const killedAt = Date.now();
    worker.process.kill('SIGKILL');
    const failover: Record<string, number> = {};
    for (const role of ['projections', 'relay', 'scheduler']) {
      while (await standby(spare, role)) {
        if (Date.now() - killedAt > 60_000) throw new Error(`${role} not taken over within 60 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      failover[role] = Date.now() - killedAt;
    }
    log(
      `  failover after SIGKILL of the lease holder: ${Object.entries(failover)
        .map(([r, ms]) => `${r} ${ms} ms`)
        .join(', ')}`,
    );
    // 5. The read models catching up from behind: a store loaded by an API instance that does
    // not run the projections, then the seven started on it from the first event.
    const projections = await catchUp(url, work, schemas.catchUp, o.catchUpEvents, servers);

    return {
      server: new URL(url).host,
      append: {
        events: o.appendEvents,
        appenders: 64,
        heardEventsPerSecond: heardRate,
        emmettEventsPerSecond: emmettRate,
        runs: rates,
        ratio: round(heardRate / emmettRate, 2),
      },
      commandsOverHttp: { oneInstance: one, twoApiInstances: two },
      failoverMs: failover,
      projections,
      emmettWebApiPostgres: {
        peer: "Emmett's web API: Express with one command handler over emmett-postgresql (0.42)",
        route: 'POST /cases/:caseId/contacts',
        heard: one,
        emmett: emmettWeb,
        ratio: round(one.requestsPerSecond / emmettWeb.requestsPerSecond, 2),
      },
    };
  } finally {
    for (const server of servers) await server.stop();
    for (const schema of Object.values(schemas))
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`DROP DATABASE IF EXISTS ${emmettDatabase} WITH (FORCE)`);
    await admin.end();
  }
};

/** Events the demo history holds per customer, about. */
const EVENTS_PER_CUSTOMER = 13.5;

const catchUp = async (
  url: string,
  work: string,
  schema: string,
  events: number,
  servers: ChildServer[],
) => {
  const at = `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
  const loader = await startHeardProcess(join(work, 'pg-catch-up'), 3925, {
    HEARD_EVENT_STORE: at,
    HEARD_READ_STORE: at,
    HEARD_ROLES: 'api',
  });
  servers.push(loader);
  const customers = Math.ceil(events / EVENTS_PER_CUSTOMER);
  log(`  loading about ${events} events (${customers} demo customers) with no projections …`);
  await loadOverHttp(loader.url, demoHistory({ ...DEMO_DEFAULTS, customers }), {
    apiKey: BENCH_ADMIN_KEY,
    batchSize: 500,
    concurrency: 4,
  });
  await loader.stop();
  const location = postgresLocation(at);
  const reads = new PostgresReadStore(location);
  const store = new PersonalDataEventStore(
    new PostgresEventStore(location),
    new CustomerKeys(reads, BENCH_MASTER_KEY),
  );
  const runner = new ProjectionRunner(store, reads, defaultProjections());
  try {
    const stored = await store.countAfter(START);
    const head = await store.head();
    const started = process.hrtime.bigint();
    await runner.start();
    await runner.waitFor(head, Number.POSITIVE_INFINITY);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const figures = {
      events: stored,
      seconds: round(seconds, 2),
      catchUpEventsPerSecond: round(stored / seconds),
    };
    log(
      `  the seven projections caught up from behind ${stored} events in ${figures.seconds} s = ${figures.catchUpEventsPerSecond} events/s`,
    );
    return figures;
  } finally {
    await runner.stop();
    await reads.close();
    await store.close();
  }
};
