import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@heard/event-store';

/** What every bench of heard sends and how it counts: one workload, whatever the store. */

/** Every heard the bench starts takes this admin key (HEARD_ADMIN_KEY), and every request sends it. */
export const BENCH_ADMIN_KEY = 'bench-admin-key-not-secret-0123456789abcdef';
export const BENCH_MASTER_KEY = Buffer.alloc(32, 1);
export const JSON_HEADERS = {
  'content-type': 'application/json',
  authorization: `Bearer ${BENCH_ADMIN_KEY}`,
};

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The p-th percentile of sorted values (the nearest rank). */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
export const log = (line: string) => console.log(line);

export const CONTACT_BODY = {
  channel: 'phone',
  direction: 'inbound',
  agentId: 'agent-07',
  note: 'Customer calls about the second charge on the March invoice',
};

export interface HttpFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export const run = async (opts: autocannon.Options): Promise<HttpFigures> => {
  const result = await autocannon(opts);
  return {
    requestsPerSecond: round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
};

/** POST a contact to one of many open cases: no case is contended, every command is durable. */
export const contactLoad = (
  url: string,
  caseIds: string[],
  load: { connections: number; duration: number; overallRate?: number },
) => {
  let i = 0;
  return run({
    url,
    connections: load.connections,
    duration: load.duration,
    overallRate: load.overallRate,
    requests: [
      {
        method: 'POST',
        headers: JSON_HEADERS,
        setupRequest: (request) => ({
          ...request,
          path: `/cases/${caseIds[i++ % caseIds.length]}/contacts`,
          body: JSON.stringify(CONTACT_BODY),
        }),
      },
    ],
  });
};

export const openCases = async (url: string, count: number): Promise<string[]> => {
  const ids = Array.from({ length: count }, () => `bench-${randomUUID()}`);
  for (let i = 0; i < ids.length; i += 500) {
    const commands = ids.slice(i, i + 500).map((caseId) => ({
      type: 'OpenCase',
      data: {
        caseId,
        customerId: `bench-cust-${caseId}`,
        channel: 'phone',
        category: 'billing',
        summary: 'Charged twice',
      },
    }));
    const response = await fetch(`${url}/commands`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ commands }),
    });
    if (response.status !== 200) throw new Error(`opening bench cases: ${response.status}`);
  }
  return ids;
};

/** The event the store benches append: a contact, as a command of its own records it. */
export const contactEvent = (i: number): NewEvent => {
  const commandId = randomUUID();
  return {
    type: 'ContactLogged',
    data: {
      caseId: `raw-${i % 2000}`,
      contactId: randomUUID(),
      ...CONTACT_BODY,
      contactedAt: new Date().toISOString(),
    },
    metadata: {
      eventId: randomUUID(),
      commandId,
      correlationId: 'bench',
      causationId: commandId,
      actor: { id: 'agent-07', kind: 'agent' },
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
};

/** `appenders` concurrent loops, each appending one event to a new stream, until `events`: events/s. */
export const appendRate = async (
  events: number,
  appenders: number,
  append: (i: number) => Promise<unknown>,
) => {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: appenders }, async () => {
      for (let i = next++; i < events; i = next++) await append(i);
    }),
  );
  return round(events / (Number(process.hrtime.bigint() - started) / 1e9));
};
