import type { HeardConfig } from '@heard/config';
import type { Principal } from '@heard/security';
import { parseBatchBody } from './batch-body';
import { BATCH_STREAMS_IN_FLIGHT, BatchController } from './batch.controller';
import type { CommandGateway } from '@heard/commands';
import { TurnBudget } from '../http/turn-budget';

const caller: Principal = {
  id: 'loader',
  ref: 'key:loader',
  roles: ['integration'],
  credential: 'api-key',
  seesCustomerIds: false,
};

/** A gateway that answers each command a few milliseconds later, and notes what was in flight. */
const slowGateway = () => {
  const seen = { inFlight: 0, most: 0, order: [] as string[] };
  const gateway = {
    execute: async (_type: string, params: Record<string, string>, body: { n: number }) => {
      seen.inFlight++;
      seen.most = Math.max(seen.most, seen.inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.order.push(`${params.caseId}:${body.n}`);
      seen.inFlight--;
      return {
        ids: {},
        streamId: `case-${params.caseId}`,
        revision: body.n,
        position: '1',
        events: [],
        replayed: false,
      };
    },
  } as unknown as CommandGateway;
  return { gateway, seen };
};

describe('the batch route', () => {
  it('runs at most its window of streams at once, each stream in the order given, and answers every item', async () => {
    const { gateway, seen } = slowGateway();
    const batch = new BatchController(
      gateway,
      { batchMaxCommands: 1000 } as HeardConfig,
      new TurnBudget(),
    );
    // 300 cases, 3 commands each, interleaved as a loader would send them.
    const commands = Array.from({ length: 900 }, (_, i) => ({
      type: 'LogContact',
      data: { caseId: `c-${i % 300}`, n: Math.floor(i / 300) },
    }));

    const { body } = parseBatchBody(Buffer.from(JSON.stringify({ commands })), 32);
    const answer = await batch.run(body, caller);

    expect(answer).toMatchObject({ accepted: 900, failed: 0 });
    expect(answer.results.map((r) => r.index)).toEqual(commands.map((_, i) => i));
    expect(seen.most).toBe(BATCH_STREAMS_IN_FLIGHT);
    for (let c = 0; c < 300; c++)
      expect(seen.order.filter((o) => o.startsWith(`c-${c}:`))).toEqual([
        `c-${c}:0`,
        `c-${c}:1`,
        `c-${c}:2`,
      ]);
  });

  it('starts its items a few per turn of the event loop, as requests are', async () => {
    let turn = 0;
    let counting = true;
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const startedPerTurn = new Map<number, number>();
    const gateway = {
      execute: async () => {
        startedPerTurn.set(turn, (startedPerTurn.get(turn) ?? 0) + 1);
        await Promise.resolve(); // answered at once: nothing but the budget spreads the items
        return { ids: {}, streamId: 's', revision: 0, position: '1', events: [], replayed: false };
      },
    } as unknown as CommandGateway;
    const batch = new BatchController(
      gateway,
      { batchMaxCommands: 1000 } as HeardConfig,
      new TurnBudget(8),
    );
    const commands = Array.from({ length: 200 }, (_, i) => ({
      type: 'LogContact',
      data: { caseId: `c-${i}` },
    }));

    const { body } = parseBatchBody(Buffer.from(JSON.stringify({ commands })), 32);
    const answer = await batch.run(body, caller);
    counting = false;

    expect(answer).toMatchObject({ accepted: 200, failed: 0 });
    expect(Math.max(...startedPerTurn.values())).toBeLessThanOrEqual(8);
    expect(startedPerTurn.size).toBeGreaterThanOrEqual(25);
  });
});
