import type { DemoCommand } from './demo-history';

interface LoadReport {
  commands: number;
  accepted: number;
  /** Already recorded under the same idempotency key: nothing appended. */
  replayed: number;
  refused: number;
  /** The first refusals, to show what went wrong. */
  samples: unknown[];
  seconds: number;
  /** The latest position a write returned (positions are opaque and order as strings); '' for none. */
  lastPosition: string;
}

/**
 * Sends the history to a running heard through POST /commands: the real command path,
 * validation included. Whole cases travel in one batch, so each case keeps its order.
 */
export const loadOverHttp = async (
  url: string,
  history: Iterable<DemoCommand[]>,
  options: {
    /** The key to send a command type with (an admin's sends all). */
    apiKey: string | ((type: string) => string);
    batchSize?: number;
    concurrency?: number;
    onProgress?: (sent: number) => void;
  },
): Promise<LoadReport> => {
  const batchSize = options.batchSize ?? 500;
  const concurrency = options.concurrency ?? 4;
  const report: LoadReport = {
    commands: 0,
    accepted: 0,
    replayed: 0,
    refused: 0,
    samples: [],
    seconds: 0,
    lastPosition: '',
  };
  const started = process.hrtime.bigint();
  const iterator = history[Symbol.iterator]();
  let first = true;

  const nextBatch = (): DemoCommand[] | undefined => {
    const batch: DemoCommand[] = [];
    for (;;) {
      const next = iterator.next();
      if (next.done) break;
      batch.push(...next.value);
      // The first group (issues, changes) lands alone, before the cases that refer to it.
      if (first || batch.length >= batchSize) break;
    }
    first = false;
    return batch.length ? batch : undefined;
  };

  const keyOf = (type: string) =>
    typeof options.apiKey === 'string' ? options.apiKey : options.apiKey(type);
  /** Consecutive commands sent with one key, in the order of the history. */
  const runs = (batch: DemoCommand[]): DemoCommand[][] => {
    const out: DemoCommand[][] = [];
    for (const command of batch) {
      const last = out[out.length - 1];
      if (last && keyOf(last[0]!.type) === keyOf(command.type)) last.push(command);
      else out.push([command]);
    }
    return out;
  };

  const send = async (batch: DemoCommand[]) => {
    for (const run of runs(batch)) await sendWithKey(run, keyOf(run[0]!.type));
    report.commands += batch.length;
    options.onProgress?.(report.commands);
  };
  const sendWithKey = async (batch: DemoCommand[], apiKey: string) => {
    const response = await fetch(`${url}/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ commands: batch }),
    });
    if (response.status !== 200)
      throw new Error(`POST /commands answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as {
      results: Array<{ status: number; body: { position?: string; replayed?: boolean } }>;
    };
    for (const result of body.results) {
      if (result.status === 201 && result.body.replayed) report.replayed += 1;
      else if (result.status === 201) {
        report.accepted += 1;
        const position = result.body.position ?? '';
        if (position > report.lastPosition) report.lastPosition = position;
      } else {
        report.refused += 1;
        if (report.samples.length < 5) report.samples.push(result);
      }
    }
  };

  const firstBatch = nextBatch();
  if (firstBatch) await send(firstBatch);
  const worker = async () => {
    for (let batch = nextBatch(); batch; batch = nextBatch()) await send(batch);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  report.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return report;
};

interface DueFollowUp {
  followUpId: string;
  caseId: string;
  dueAt: string;
}

/** A number in [0, 1) fixed by the text: the same follow-up always gets the same answer. */
const unitOf = (text: string): number => {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 2 ** 32;
};

/**
 * Plays the notification app: answers the follow-ups that came due, two hours after each was
 * due. About 60% answer: mostly satisfied, some "not fixed" (which reopens the case), some
 * no answer. Reloading sends the same answers (same keys), nothing twice.
 */
export const answerDueFollowUps = async (
  url: string,
  options: { seed: number; minPosition: string; apiKey: string },
): Promise<LoadReport> => {
  const due: DueFollowUp[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({
      status: 'due',
      limit: '500',
      minPosition: options.minPosition,
      ...(cursor ? { cursor } : {}),
    });
    const response = await fetch(`${url}/follow-ups?${query.toString()}`, {
      headers: { authorization: `Bearer ${options.apiKey}` },
    });
    if (response.status !== 200)
      throw new Error(`GET /follow-ups answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { followUps: DueFollowUp[]; nextCursor: string | null };
    due.push(...page.followUps);
    cursor = page.nextCursor;
  } while (cursor);

  const answers: DemoCommand[][] = [];
  for (const f of due) {
    const u = unitOf(`${options.seed}:${f.followUpId}`);
    if (u >= 0.6) continue;
    const outcome = u < 0.42 ? 'satisfied' : u < 0.51 ? 'not_fixed' : 'no_answer';
    const csat =
      outcome === 'satisfied'
        ? u < 0.3
          ? 5
          : 4
        : outcome === 'not_fixed'
          ? 1 + (Math.floor(u * 10) % 2)
          : undefined;
    answers.push([
      {
        type: 'CompleteFollowUp',
        commandId: `demo-${options.seed}-follow-up-${f.followUpId}`,
        occurredAt: new Date(Date.parse(f.dueAt) + 2 * 3_600_000).toISOString(),
        data: { caseId: f.caseId, followUpId: f.followUpId, outcome, ...(csat ? { csat } : {}) },
      },
    ]);
  }
  return loadOverHttp(url, answers, { apiKey: options.apiKey });
};

/**
 * The identities the demo writes as: an upstream app acting for the agents the history
 * names (case commands), and the product team's app (issues, changes, incidents).
 */
const DEMO_KEYS = { integration: 'demo-loader', product: 'demo-product' } as const;

/** The commands only a product team may send (see the role table in docs/access-and-erasure.md). */
const PRODUCT_COMMANDS = new Set([
  'IdentifyIssue',
  'AcknowledgeIssue',
  'ShipFix',
  'CloseIssue',
  'AnnounceChange',
  'DeclareIncident',
  'ResolveIncident',
]);

const adminCall = async (
  url: string,
  adminKey: string,
  method: string,
  path: string,
  body?: unknown,
) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as {
      keyId?: string;
      secret?: string;
      keys?: Array<{ keyId: string; name: string; revokedAt?: string }>;
    },
  };
};

/** Makes a key of this name and role, revoking a live one left by a load that was cut short. */
const makeKey = async (url: string, adminKey: string, name: string, role: string) => {
  const create = () => adminCall(url, adminKey, 'POST', '/admin/api-keys', { name, role });
  let made = await create();
  if (made.status === 409) {
    const listed = await adminCall(url, adminKey, 'GET', '/admin/api-keys');
    for (const key of listed.body.keys ?? [])
      if (key.name === name && !key.revokedAt)
        await adminCall(url, adminKey, 'DELETE', `/admin/api-keys/${key.keyId}`);
    made = await create();
  }
  if (made.status !== 201)
    throw new Error(`POST /admin/api-keys answered ${made.status}: ${JSON.stringify(made.body)}`);
  return { keyId: made.body.keyId!, secret: made.body.secret! };
};

/**
 * Runs `work` with the demo's two keys, made with the admin key and revoked after: the demo's
 * events read "agent ana via demo-loader", as an upstream app's would. The names stay the
 * same, so a second load is a retry of the first (same callers, same idempotency keys).
 * `work` gets the key to send each command type with.
 */
export const withDemoKeys = async <T>(
  url: string,
  adminKey: string,
  work: (keyFor: (type: string) => string) => Promise<T>,
): Promise<T> => {
  const integration = await makeKey(url, adminKey, DEMO_KEYS.integration, 'integration');
  const product = await makeKey(url, adminKey, DEMO_KEYS.product, 'product');
  try {
    return await work((type) => (PRODUCT_COMMANDS.has(type) ? product.secret : integration.secret));
  } finally {
    for (const key of [integration, product])
      await adminCall(url, adminKey, 'DELETE', `/admin/api-keys/${key.keyId}`);
  }
};
