import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@heard/config';
import { openEventStore, START, type EventStore, type RecordedEvent } from '@heard/event-store';
import { topicNames } from '@heard/messaging';
import { defaultProjections, ProjectionRunner, projectionRules } from '@heard/projections';
import { openReadStore } from '@heard/read-store';
import { CustomerKeys, PersonalDataEventStore } from '@heard/security';
import {
  asAdmin,
  removeDir,
  tempDataDir,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
} from '../support/heard-app';
import { describeWithKafka, kafkaClient, readTopic, uniquePrefix } from '../support/kafka';
import { describeWithPostgres, dropSchema, uniqueSchema } from '../support/postgres';
import { dumpReadModels } from '../support/read-models';

const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'heard', 'src', 'main.js');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  output: string[];
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve()
      : child.once('exit', () => resolve()),
  );

const until = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const health = async (instance: Instance) =>
  (await (await fetch(`${instance.url}/health`)).json()) as {
    status: string;
    parts: Record<string, Record<string, unknown>>;
  };

const readEverything = async (store: EventStore) => {
  const all: RecordedEvent[] = [];
  for (let after = START; ;) {
    const page = await store.readAll({ after, limit: 1000 });
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1]!.position;
  }
};

describeWithKafka('several heard instances', (brokers) => {
  describeWithPostgres('on PostgreSQL and Kafka', (url) => {
    jest.setTimeout(300_000);
    const schema = uniqueSchema();
    const rebuiltSchema = uniqueSchema();
    const prefix = uniquePrefix();
    const topics = topicNames(prefix);
    const dataDir = tempDataDir();
    const instances: Instance[] = [];
    const env = {
      ...process.env,
      HEARD_ADMIN_KEY: TEST_ADMIN_KEY,
      HEARD_MASTER_KEY: TEST_MASTER_KEY,
      HEARD_DATA_DIR: dataDir,
      HEARD_HOST: '127.0.0.1',
      HEARD_LOG_LEVEL: 'warn',
      HEARD_EVENT_STORE: `${url}?schema=${schema}`,
      HEARD_READ_STORE: `${url}?schema=${schema}`,
      HEARD_KAFKA_BROKERS: brokers.join(','),
      HEARD_KAFKA_TOPIC_PREFIX: prefix,
      HEARD_KAFKA_PUBLISH_BATCH: '50',
      HEARD_FOLLOW_UP_DELAY: '1s',
      HEARD_SCHEDULER_INTERVAL: '200ms',
    };

    const start = async (name: string, roles: string): Promise<Instance> => {
      const port = await freePort();
      const output: string[] = [];
      const child = spawn(process.execPath, [MAIN], {
        env: { ...env, PORT: String(port), HEARD_ROLES: roles },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
      const instance = { name, url: `http://127.0.0.1:${port}`, child, output };
      instances.push(instance);
      await until(async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited:\n${output.join('')}`);
        return (await fetch(`${instance.url}/health/live`)).ok || undefined;
      }, `${name} to answer`).catch((error: Error) => {
        throw new Error(`${error.message}\n${output.join('')}`);
      });
      return instance;
    };

    afterAll(async () => {
      for (const { child } of instances)
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await exited(child);
        }
      await dropSchema(url, schema);
      await dropSchema(url, rebuiltSchema);
      removeDir(dataDir);
    });

    it('two API instances and a worker: a SIGKILLed lease holder loses nothing and repeats nothing', async () => {
      const WORKER = 'projections,publisher,relay,scheduler';
      const worker1 = await start('worker-1', WORKER);
      const worker2 = await start('worker-2', WORKER);
      const apis = [await start('api-a', 'api,intake'), await start('api-b', 'api,intake')];
      expect((await health(worker1)).parts.projections!.standby).toBeUndefined();
      expect((await health(worker2)).parts.projections).toMatchObject({ standby: true });
      // A worker serves no API: it says so, and where to go.
      const refused = await fetch(`${worker1.url}/cases/x`);
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: string }).error).toBe('not_served_here');

      const post = async (api: Instance, path: string, body: object) => {
        const answer = await fetch(`${api.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...asAdmin },
          body: JSON.stringify(body),
        });
        const json = (await answer.json()) as { position?: string };
        if (answer.status !== 201)
          throw new Error(`${path} on ${api.name}: ${answer.status} ${JSON.stringify(json)}`);
        return json;
      };
      const acknowledged: string[] = [];
      const command = async (api: Instance, path: string, commandId: string, body: object) => {
        await post(api, path, { ...body, commandId });
        acknowledged.push(commandId);
      };

      await command(apis[0]!, '/issues', 'issue', {
        issueId: 'issue-e2e',
        title: 'Invoices charged twice',
        product: 'invoices',
        category: 'billing',
      });

      // Commands through heard.commands too: acknowledged when the broker took them.
      const producer = kafkaClient(brokers).producer({ idempotent: true });
      await producer.connect();
      const kafkaCommandIds: string[] = [];
      const sendOverKafka = async (from: number, to: number) => {
        const messages = [];
        for (let i = from; i < to; i++) {
          const caseId = `kafka-${i}`;
          for (const [type, data] of [
            [
              'OpenCase',
              {
                caseId,
                customerId: `kcust-${i}`,
                channel: 'chat',
                category: 'billing',
                summary: 'Charged twice',
              },
            ],
            [
              'LogContact',
              { caseId, channel: 'chat', direction: 'inbound', agentId: 'ana', note: 'via Kafka' },
            ],
          ] as const) {
            const commandId = `${type}-${caseId}`;
            messages.push({
              key: `case-${caseId}`,
              value: JSON.stringify({ type, commandId, data }),
              headers: { ce_source: 'crm-app' },
            });
            kafkaCommandIds.push(commandId);
          }
        }
        await producer.send({ topic: topics.commands, messages });
      };

      const CASES = 120;
      let done = 0;
      let killedAt = 0;
      let worker3: Promise<Instance> | undefined;
      const oneCase = async (i: number) => {
        const api = apis[i % 2]!;
        const caseId = `http-${i}`;
        await command(api, '/cases', `open-${caseId}`, {
          caseId,
          customerId: `cust-${i}`,
          channel: 'phone',
          category: 'billing',
          product: 'invoices',
          summary: 'Charged twice for the March invoice',
        });
        await command(api, `/cases/${caseId}/contacts`, `contact-${caseId}`, {
          channel: 'phone',
          direction: 'inbound',
          agentId: 'ana',
          note: 'Customer called about the double charge',
        });
        await command(apis[(i + 1) % 2]!, `/cases/${caseId}/issue-links`, `link-${caseId}`, {
          issueId: 'issue-e2e',
        });
        await command(api, `/cases/${caseId}/resolution`, `resolve-${caseId}`, {
          agentId: 'ana',
          resolution: 'Second charge refunded',
        });
        done += 1;
        // Mid-stream: the lease holder dies without a word; another worker is started.
        if (done === CASES / 3) {
          worker1.child.kill('SIGKILL');
          killedAt = Date.now();
          worker3 = start('worker-3', WORKER);
        }
      };
      await sendOverKafka(0, 50);
      const failover = (async () => {
        await until(() => Promise.resolve(killedAt ? true : undefined), 'the kill', 120_000);
        // Taken over when worker-2 runs it, or says another live worker (worker-3, started
        // after the kill) does: whichever standby tries first after the lock is free wins.
        const dead = `${hostname()}:${worker1.child.pid}`;
        const taken = async (part: string) =>
          until(
            async () => {
              const health2 = (await health(worker2)).parts[part];
              const runBy = health2?.runBy as string | undefined;
              return !health2?.standby || (runBy && runBy !== dead) ? Date.now() : undefined;
            },
            `another worker to take ${part}`,
            30_000,
          );
        const [projections, publisher, relay, scheduler] = await Promise.all(
          ['projections', 'publisher', 'relay', 'scheduler'].map(taken),
        );
        return {
          projections: projections! - killedAt,
          publisher: publisher! - killedAt,
          relay: relay! - killedAt,
          scheduler: scheduler! - killedAt,
        };
      })();
      let next = 0;
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          while (next < CASES) await oneCase(next++);
        }),
      );
      await sendOverKafka(50, 100);
      await producer.disconnect();
      const failoverMs = await failover;
      await worker3;
      await command(apis[0]!, '/issues/issue-e2e/acknowledgement', 'acknowledge', {
        team: 'billing',
        owner: 'pat',
      });
      // Read-your-writes on the other API instance: its answer waits for the shared checkpoints.
      const shipped = await post(apis[1]!, '/issues/issue-e2e/fix-shipped', {
        commandId: 'ship',
        release: 'v2',
        description: 'Invoices are charged once',
      });
      acknowledged.push('ship');
      const timeline = await fetch(
        `${apis[0]!.url}/customers/cust-0/timeline?minPosition=${encodeURIComponent(shipped.position!)}`,
        { headers: asAdmin },
      );
      expect(timeline.headers.get('x-heard-stale')).toBeNull();

      const events = await openEventStore(loadConfig(env).eventStore);
      try {
        // Every command stored, and stored once.
        const kafkaDone = await until(async () => {
          for (const id of kafkaCommandIds)
            if (!(await events.findCommandResult(`kafka:crm-app:${id}`))) return undefined;
          return true;
        }, 'the Kafka commands');
        expect(kafkaDone).toBe(true);
        const stored = await readEverything(events);
        const byCommand = new Map<string, RecordedEvent[]>();
        for (const e of stored)
          byCommand.set(e.metadata.commandId, [...(byCommand.get(e.metadata.commandId) ?? []), e]);
        // Idempotency keys are kept per caller: the test's admin over HTTP, crm-app on Kafka.
        for (const id of [
          ...acknowledged.map((key) => `admin-key:${key}`),
          ...kafkaCommandIds.map((key) => `kafka:crm-app:${key}`),
        ]) {
          const written = byCommand.get(id) ?? [];
          expect([id, written.length > 0]).toEqual([id, true]);
          expect([id, new Set(written.map((e) => e.type)).size]).toEqual([id, written.length]);
        }
        expect(byCommand.size).toBe(acknowledged.length + kafkaCommandIds.length);
        expect(new Set(stored.map((e) => e.metadata.eventId)).size).toBe(stored.length);

        // Every event on heard.case-events.
        const storedIds = new Set(stored.map((e) => e.metadata.eventId));
        const published = await readTopic(
          brokers,
          topics.caseEvents,
          (seen) => new Set(seen.map((m) => m.headers.ce_id)).size >= storedIds.size,
          60_000,
        );
        const publishedIds = new Set(published.map((m) => m.headers.ce_id!));
        expect([...publishedIds].sort()).toEqual([...storedIds].sort());

        // Each follow-up and each "you were heard" notice sent once (by ce_id).
        const reads = await openReadStore(loadConfig(env).readStore);
        const queued = await until(async () => {
          const rows = await reads.query<{
            message_id: string;
            type: string;
            sent_at: string | null;
          }>(`SELECT message_id, type, sent_at FROM outbound_messages WHERE topic = 'follow-ups'`);
          return rows.length >= 2 * CASES && rows.every((r) => r.sent_at) ? rows : undefined;
        }, 'the follow-ups and notices to be sent');
        const byType = new Map<string, number>();
        for (const r of queued) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
        expect([...byType.values()]).toEqual([CASES, CASES]);
        const outbound = await readTopic(
          brokers,
          topics.followUps,
          (seen) => new Set(seen.map((m) => m.headers.ce_id)).size >= queued.length,
          60_000,
        );
        const sentIds = outbound.map((m) => m.headers.ce_id!);
        expect([...new Set(sentIds)].sort()).toEqual(queued.map((r) => r.message_id).sort());

        // The read models the workers built, shared checkpoints and all, equal a rebuild.
        // Any instance sees the projections' lag (a standby reads their shared checkpoints).
        const holder = instances.find((i) => i.name === 'worker-2')!;
        await until(async () => {
          const { parts } = await health(holder);
          const lags = (parts.projections!.projections as Array<{ lag: number }>).map((p) => p.lag);
          return lags.every((lag) => lag === 0) ? true : undefined;
        }, 'the projections to catch up');
        const rebuilt = await openReadStore({
          kind: 'postgres',
          url: `${url}?schema=${rebuiltSchema}`,
        });
        // Read as heard reads the events: customers' words opened with their keys.
        const runner = new ProjectionRunner(
          new PersonalDataEventStore(
            events,
            new CustomerKeys(reads, Buffer.from(TEST_MASTER_KEY, 'base64')),
          ),
          rebuilt,
          defaultProjections(projectionRules(loadConfig(env))),
        );
        await runner.rebuild(runner.projections.map((p) => p.name));
        await runner.stop();
        expect(await dumpReadModels(reads)).toEqual(await dumpReadModels(rebuilt));
        await rebuilt.close();
        await reads.close();

        console.log(
          `several instances: ${acknowledged.length} HTTP and ${kafkaCommandIds.length} Kafka commands, ${stored.length} events; ` +
            `lease holder SIGKILLed after ${CASES / 3} of ${CASES} cases; failover (ms from the kill to another worker running it): ${JSON.stringify(failoverMs)}; ` +
            `case-events sent ${published.length} for ${storedIds.size} events; follow-ups sent ${sentIds.length} for ${queued.length} messages`,
        );
      } finally {
        await events.close();
      }
    });
  });
});
