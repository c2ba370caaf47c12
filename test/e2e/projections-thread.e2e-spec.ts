import { randomUUID } from 'node:crypto';
import { threadId, type Worker } from 'node:worker_threads';
import { ThreadedProjectionRunner } from '@heard/projections-thread';
import { ProjectionRunner } from '@heard/projections';
import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';
import { waitFor } from '../support/kafka';

const openCase = (caseId: string, customerId: string) => ({
  caseId,
  customerId,
  channel: 'phone',
  category: 'billing',
  summary: 'Charged twice',
});

const contact = (note: string) => ({
  channel: 'phone',
  direction: 'inbound',
  agentId: 'ana',
  note,
});

describe('the projections thread (the embedded default)', () => {
  let dir: string;
  let heard: RunningHeard;
  beforeEach(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir);
  });
  afterEach(async () => {
    await heard.stop();
    removeDir(dir);
  });

  const thread = () =>
    heard.app.get<ProjectionRunner, { worker?: Worker }>(ProjectionRunner).worker;

  it('applies the read models in a thread of its own, and a client still reads its own write', async () => {
    const runner = heard.app.get(ProjectionRunner);
    expect(runner).toBeInstanceOf(ThreadedProjectionRunner);
    expect(thread()?.threadId).toBeGreaterThan(threadId);

    const caseId = `thread-${randomUUID()}`;
    const customerId = `cust-${randomUUID()}`;
    expect((await heard.post('/cases', openCase(caseId, customerId))).status).toBe(201);
    const logged = await heard.post(`/cases/${caseId}/contacts`, contact('Second charge again'));
    expect(logged.status).toBe(201);
    const timeline = await heard.get(
      `/customers/${customerId}/timeline?minPosition=${logged.body.position}`,
    );
    expect(timeline.status).toBe(200);
    expect(timeline.body.entries.map((e: { type: string }) => e.type)).toEqual([
      'ContactLogged',
      'CaseOpened',
    ]);
    const health = await heard.get('/health');
    expect(health.body.parts.projections.status).toBe('up');
    expect(
      health.body.parts.projections.projections.every(
        (p: { running: boolean; where: string }) => p.running && p.where === 'here',
      ),
    ).toBe(true);
  });

  it('is started again when it dies: health says so meanwhile, and nothing appended meanwhile is lost', async () => {
    const caseId = `thread-${randomUUID()}`;
    const customerId = `cust-${randomUUID()}`;
    expect((await heard.post('/cases', openCase(caseId, customerId))).status).toBe(201);

    const first = thread()!;
    await first.terminate();
    const down = await heard.get('/health');
    expect(down.body.parts.projections.status).toBe('stalled');
    expect(down.body.parts.projections.stuck).toContain('customer_timeline');
    // Commands are still taken while it is down: they are events, the read models follow.
    const logged = await heard.post(`/cases/${caseId}/contacts`, contact('While it was down'));
    expect(logged.status).toBe(201);

    const timeline = await waitFor(async () => {
      const answer = await heard.get(
        `/customers/${customerId}/timeline?minPosition=${logged.body.position}`,
      );
      return answer.status === 200 ? answer : undefined;
    });
    expect(timeline.body.entries[0]).toMatchObject({ type: 'ContactLogged' });
    expect(thread()).toBeDefined();
    expect(thread()).not.toBe(first);
    const up = await waitFor(async () => {
      const answer = await heard.get('/health');
      return answer.body.parts.projections.status === 'up' ? answer : undefined;
    });
    expect(up.body.status).toBe('ok');
  });

  it('can be turned off (HEARD_PROJECTIONS_THREAD=off): the projections then run in the API thread', async () => {
    await heard.stop();
    heard = await startHeard(dir, { HEARD_PROJECTIONS_THREAD: 'off' });
    const runner = heard.app.get(ProjectionRunner);
    expect(runner).not.toBeInstanceOf(ThreadedProjectionRunner);
    const caseId = `thread-${randomUUID()}`;
    const opened = await heard.post('/cases', openCase(caseId, `cust-${randomUUID()}`));
    expect(opened.status).toBe(201);
    const view = await heard.get(`/cases/${caseId}?minPosition=${opened.body.position}`);
    expect(view.status).toBe(200);
  });
});
