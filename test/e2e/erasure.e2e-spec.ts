import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ProjectionRunner } from '@heard/projections';
import { describeOnEachReadStoreSetting } from '../support/read-stores';
import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';

/** Every file below a folder, recursively. */
const filesBelow = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path) : [path];
  });

/** Rows of every table of a PostgreSQL schema, as text. */
const schemaText = async (url: string, schema: string): Promise<string> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    let text = '';
    for (const { table_name } of tables.rows)
      text += JSON.stringify(
        (await client.query(`SELECT t::text AS row FROM "${schema}"."${table_name}" t`)).rows,
      );
    return text;
  } finally {
    await client.end();
  }
};

describeOnEachReadStoreSetting('erasure', (settings) => {
  jest.setTimeout(120_000);
  let dir: string;
  let heard: RunningHeard;
  const run = randomUUID().slice(0, 8);
  /** Words only this customer told us: none may survive the erasure, anywhere. */
  const words = {
    summary: `Zephyr${run} kettle whistles at midnight`,
    note: `Called from Quillby${run} lane, very upset`,
    statement: `Sorry, Mrs Vantablack${run}, that was our fault`,
    handover: `Mrs Vantablack${run} needs a new kettle before Friday, refund agreed`,
    fix: `Courier a Xylo${run} kettle to her door`,
  };
  const other = `Other customer's Wombat${run} toaster`;
  const customerId = `cust-erase-${run}`;
  const caseId = `case-erase-${run}`;
  const issueId = `issue-kettle-${run}`;

  const ok = async (answer: Promise<{ status: number; body: any }>) => {
    const { status, body } = await answer;
    expect([status, body?.error]).toEqual([expect.any(Number), undefined]);
    return body;
  };
  /** What the API shows of the customer and its cases, and the reports' figures. */
  const everythingShown = async (position: string) => {
    const wait = `minPosition=${encodeURIComponent(position)}`;
    const read = async (path: string) => JSON.stringify((await heard.get(path)).body);
    return {
      text: [
        await read(`/customers/${customerId}/timeline?${wait}`),
        await read(`/cases/${caseId}?${wait}`),
        await read(`/cases/${caseId}?asOf=${encodeURIComponent(new Date().toISOString())}`),
        await read(`/cases/${caseId}/events`),
        await read(`/follow-ups?customerId=${customerId}&${wait}`),
        await read(`/messages?limit=1000&${wait}`),
        await read(`/reports/recurring-issues?${wait}`),
        await read(`/reports/recurring-issues/customers?group=issue:${issueId}&${wait}`),
        await read(`/reports/candidate-issues?${wait}`),
      ].join('\n'),
      figures: {
        timeline: (await heard.get(`/customers/${customerId}/timeline?${wait}`)).body.entries
          .length,
        events: (await heard.get(`/cases/${caseId}/events`)).body.events.map((e: any) => e.type),
        kpis: (await heard.get(`/reports/kpis?by=week&${wait}`)).body,
        recurring: (await heard.get(`/reports/recurring-issues?${wait}`)).body,
        followUps: (await heard.get(`/follow-ups?customerId=${customerId}&${wait}`)).body.followUps
          .length,
        messages: (await heard.get(`/messages?limit=1000&${wait}`)).body.messages.map(
          (m: any) => `${m.type} ${m.key}`,
        ),
      },
    };
  };

  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir, { HEARD_SCHEDULER_INTERVAL: '200ms', ...settings() });
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  it('forgets every word the customer told us, keeps every count, and a rebuild brings nothing back', async () => {
    await ok(
      heard.post('/cases', {
        caseId,
        customerId,
        channel: 'phone',
        category: 'kettles',
        product: `Kettle ${run}`,
        summary: words.summary,
      }),
    );
    await ok(
      heard.post(`/cases/${caseId}/contacts`, {
        channel: 'phone',
        direction: 'inbound',
        agentId: 'ana',
        note: words.note,
      }),
    );
    await ok(
      heard.post(`/cases/${caseId}/apologies`, {
        agentId: 'ana',
        fault: 'ours',
        statement: words.statement,
      }),
    );
    await ok(
      heard.post(`/cases/${caseId}/handovers`, {
        fromAgentId: 'ana',
        toAgentId: 'ben',
        summary: words.handover,
      }),
    );
    await ok(
      heard.post(`/cases/${caseId}/fixes`, {
        fixId: 'fix-1',
        agentId: 'ben',
        kind: 'replacement',
        description: words.fix,
      }),
    );
    await ok(heard.post(`/cases/${caseId}/resolution`, { agentId: 'ben', resolution: 'Sent' }));
    await ok(
      heard.post('/cases', {
        caseId: `${caseId}-other`,
        customerId: `${customerId}-other`,
        channel: 'chat',
        category: 'kettles',
        product: `Kettle ${run}`,
        summary: other,
      }),
    );
    // The product team ships a fix: the "you were heard" notice quotes the customer's case.
    await ok(
      heard.post('/issues', {
        issueId,
        title: 'Kettles whistle',
        product: `Kettle ${run}`,
        category: 'kettles',
      }),
    );
    await ok(heard.post(`/issues/${issueId}/acknowledgement`, { team: 'kettles', owner: 'pm-1' }));
    for (const id of [caseId, `${caseId}-other`])
      await ok(heard.post(`/cases/${id}/issue-links`, { issueId }));
    const shipped = await ok(
      heard.post(`/issues/${issueId}/fix-shipped`, { release: 'k2', description: 'A quiet lid' }),
    );

    const notice = async (position: string) =>
      JSON.stringify(
        (
          await heard.get(
            `/messages?type=heard.notice.fix-shipped&key=${customerId}&minPosition=${encodeURIComponent(position)}`,
          )
        ).body.messages,
      );
    expect(await notice(shipped.position)).toContain(words.summary);
    const before = await everythingShown(shipped.position);
    for (const word of Object.values(words)) expect(before.text).toContain(word);
    expect(before.text).toContain(other);

    const erased = await heard.post(`/customers/${customerId}/erasure`, {});
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ customerId, cases: 1, readModelsForgotten: true });
    expect(erased.body.messagesRewritten).toBeGreaterThanOrEqual(1);
    // Erasing again is a retry: the same answer, nothing new recorded.
    const again = await heard.post(`/customers/${customerId}/erasure`, {});
    expect(again.body).toMatchObject({
      erasedAt: erased.body.erasedAt,
      position: erased.body.position,
    });

    const after = await everythingShown(erased.body.position);
    // The notice that quoted the case is still there, without the quote.
    expect(await notice(erased.body.position)).toMatch(/You told us: \\"\[erased\]\\"/);
    for (const word of Object.values(words)) expect(after.text).not.toContain(word);
    expect(after.text).toContain('[erased]');
    expect(after.text).toContain(other);
    // Every event, count, trend and KPI as before; the events now end with the erasure.
    expect(after.figures).toEqual({ ...before.figures });

    await heard.app.get(ProjectionRunner).rebuild(
      heard.app
        .get(ProjectionRunner)
        .status()
        .map((p) => p.name),
    );
    const rebuilt = await everythingShown(erased.body.position);
    for (const word of Object.values(words)) expect(rebuilt.text).not.toContain(word);
    expect(rebuilt.figures).toEqual(before.figures);

    // After a clean stop, none of their words is in any of heard's files.
    await heard.stop();
    const found: string[] = [];
    for (const file of filesBelow(dir)) {
      const bytes = readFileSync(file);
      for (const word of Object.values(words))
        if (bytes.includes(Buffer.from(word))) found.push(`${word} in ${file}`);
    }
    const readStore = settings().HEARD_READ_STORE;
    if (readStore) {
      const url = new URL(readStore);
      const schema = url.searchParams.get('schema')!;
      url.search = '';
      const rows = await schemaText(url.toString(), schema);
      for (const word of Object.values(words))
        if (rows.includes(word)) found.push(`${word} in ${schema}`);
      expect(rows).toContain(other);
    }
    expect(found).toEqual([]);
    heard = await startHeard(dir, { HEARD_SCHEDULER_INTERVAL: '200ms', ...settings() });
  });
});
