import { loadConfig } from '@heard/config';
import {
  caseDecider,
  deadlinesOf,
  fold,
  type CaseEvent,
  type Deadline,
  type DomainCommand,
  type SlaPolicyVersion,
} from '@heard/domain';
import { SqliteEventStore } from '@heard/event-store';
import { AggregateStateCache } from '../aggregate-state-cache';
import { ExecuteDomainCommand, ExecuteDomainCommandHandler } from '../execute-domain-command';
import { SlaScheduler, type DueDeadlines } from './sla-scheduler';

const opened = '2026-03-02T10:00:00.000Z';
const minutes = (n: number) => Date.parse(opened) + n * 60_000;
const gold: SlaPolicyVersion = {
  policyId: 'gold',
  version: 1,
  name: 'Gold',
  priority: 1,
  match: {},
  calendar: { timeZone: 'UTC', hours: '24x7', holidays: [] },
  targets: { firstResponse: 'PT10M' },
  warnAt: 0.8,
  escalation: [{ level: 'team', after: 'PT0S', notifySales: false }],
  definedAt: opened,
};

describe('the SLA scheduler on a real event store', () => {
  let store: SqliteEventStore;
  const config = loadConfig({ HEARD_DATA_DIR: '/tmp/heard-unused' });
  /** One instance of heard: its own command handler, with its own cache of the streams. */
  const instance = () =>
    new ExecuteDomainCommandHandler(store, new AggregateStateCache(store, config), config);
  const bus = (handler: ExecuteDomainCommandHandler) => ({
    execute: (command: ExecuteDomainCommand) => handler.execute(command),
  });
  const run = (handler: ExecuteDomainCommandHandler, commandId: string, command: DomainCommand) =>
    handler.execute(
      new ExecuteDomainCommand(command, {
        commandId,
        correlationId: commandId,
        causationId: commandId,
        actor: { id: 'ana', kind: 'agent' },
        occurredAt: command.at,
      }),
    );
  const types = async () => (await store.readStream('case-c1')).map((e) => e.type);
  /** What the read model would list: the deadlines of the case as its stream stands now. */
  const dueNow: DueDeadlines = async (now) => {
    const state = fold(
      caseDecider,
      (await store.readStream('case-c1')).map((e) => ({ type: e.type, data: e.data }) as CaseEvent),
    );
    return deadlinesOf(state)
      .filter((d) => Date.parse(d.dueAt) <= now)
      .map((deadline) => ({ caseId: 'c1', deadline }));
  };
  const scheduler = (handler: ExecuteDomainCommandHandler, due: DueDeadlines, now: number) =>
    new SlaScheduler(bus(handler), due, { intervalMs: 60_000, now: () => now });

  beforeEach(async () => {
    store = new SqliteEventStore(':memory:');
    await run(instance(), 'open', {
      type: 'OpenCase',
      caseId: 'c1',
      at: opened,
      customerId: 'cust-1',
      channel: 'email',
      category: 'billing',
      summary: 'Charged twice',
      sla: gold,
    });
  });
  afterEach(() => store.close());

  it('records a breach once and escalates once when two instances pass at the same moment', async () => {
    const [a, b] = [instance(), instance()];
    const at = minutes(11);
    await Promise.all([scheduler(a, dueNow, at).pass(), scheduler(b, dueNow, at).pass()]);
    expect(await types()).toEqual(['CaseOpened', 'SlaPolicyApplied', 'SlaTargetBreached']);
    await Promise.all([scheduler(a, dueNow, at).pass(), scheduler(b, dueNow, at).pass()]);
    const events = await store.readStream('case-c1');
    expect(events.map((e) => e.type)).toEqual([
      'CaseOpened',
      'SlaPolicyApplied',
      'SlaTargetBreached',
      'CaseEscalated',
    ]);
    expect(events[3]!.metadata.actor).toEqual({ id: 'heard', kind: 'system', role: 'scheduler' });
    expect(events[2]!.data).toMatchObject({ breachedAt: new Date(minutes(10)).toISOString() });
  });

  it('records nothing twice when restarted mid-breach with a read model that is behind', async () => {
    const at = minutes(11);
    const stale: Array<{ caseId: string; deadline: Deadline }> = await dueNow(at);
    expect(stale.map((d) => d.deadline.kind)).toEqual(['warning', 'breach']);
    const first = scheduler(instance(), () => Promise.resolve(stale), at);
    await first.pass();
    await first.stop();
    // A new process, whose read model has not seen the breach yet: it lists it again.
    const restarted = scheduler(instance(), () => Promise.resolve(stale), at + 1000);
    await restarted.pass();
    expect(await types()).toEqual(['CaseOpened', 'SlaPolicyApplied', 'SlaTargetBreached']);
    expect(restarted.status().recorded).toBe(0);
  });

  it('never breaches a target that was met, even when the read model still lists it', async () => {
    const stale = await dueNow(minutes(11));
    await run(instance(), 'answer', {
      type: 'LogContact',
      caseId: 'c1',
      at: new Date(minutes(5)).toISOString(),
      contactId: 'k1',
      channel: 'email',
      direction: 'outbound',
      agentId: 'ana',
      note: 'Refund on its way',
    });
    await scheduler(instance(), () => Promise.resolve(stale), minutes(11)).pass();
    expect(await types()).toEqual([
      'CaseOpened',
      'SlaPolicyApplied',
      'ContactLogged',
      'SlaTargetMet',
    ]);
  });
});
