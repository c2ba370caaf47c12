import type { HeardConfig } from '@heard/config';
import { DomainRuleViolation } from '@heard/domain';
import { InProcessTransport, topicNames, type ReceivedMessage } from '@heard/messaging';
import type { CommandGateway } from '@heard/commands';
import {
  CommandIntake,
  DEAD_LETTER_EXCERPT_BYTES,
  MAX_ATTEMPTS_ON_FAULT,
  quoteOriginal,
  type DeadLetter,
  type IntakeMetrics,
} from './command-intake';

/** The outcomes the intake reported, counted. */
class CountedOutcomes implements IntakeMetrics {
  readonly counts: Record<string, number> = {};
  intake(outcome: string): void {
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
  }
}

const message = (value: unknown, offset = '0'): ReceivedMessage => ({
  topic: 'heard.commands',
  partition: 0,
  offset,
  key: 'case-c1',
  value: typeof value === 'string' ? value : JSON.stringify(value),
  headers: { ce_source: 'crm-app' },
});
const config = {
  kafkaTopicPrefix: 'heard',
  kafkaIntakeGroup: 'heard-intake',
  kafkaIntakeConsumers: 1,
} as HeardConfig;
const open = {
  type: 'OpenCase',
  data: { caseId: 'c1', customerId: 'x', channel: 'phone', category: 'b', summary: 's' },
};

/** A gateway that fails as told, then accepts; it records what it was asked. */
const gatewayFailing = (failures: Error[]) => {
  const calls: Array<{ type: string; key?: string }> = [];
  const gateway = {
    execute: (
      type: string,
      _params: unknown,
      _body: unknown,
      context: { idempotencyKey?: string },
    ) => {
      calls.push({ type, key: context.idempotencyKey });
      const failure = failures.shift();
      return failure
        ? Promise.reject(failure)
        : Promise.resolve({
            ids: {},
            streamId: 's',
            revision: 0,
            position: 1,
            events: [],
            replayed: false,
          });
    },
  } as unknown as CommandGateway;
  return { gateway, calls };
};

describe('CommandIntake', () => {
  jest.setTimeout(10_000);

  it('retries a transient failure with backoff until it succeeds, and drops nothing', async () => {
    const transport = new InProcessTransport();
    const metrics = new CountedOutcomes();
    const { gateway, calls } = gatewayFailing([
      new Error('SQLITE_BUSY: database is locked'),
      new Error('SQLITE_BUSY: database is locked'),
    ]);
    const intake = new CommandIntake(gateway, transport, config, metrics);
    await intake.handle(message(open, '7'));
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.key))).toEqual(new Set(['kafka:heard.commands:0:7']));
    expect(transport.messages(topicNames().commandsDlq)).toHaveLength(0);
    expect(metrics.counts).toEqual({ retried: 2, accepted: 1 });
  });

  it('sends what can never succeed to the DLQ at once, with the reason and the original', async () => {
    const transport = new InProcessTransport();
    const { gateway, calls } = gatewayFailing([
      new DomainRuleViolation('case.closed', 'conflict', 'Case c1 is closed'),
    ]);
    const intake = new CommandIntake(gateway, transport, config, new CountedOutcomes());
    await intake.handle(message(open));
    await intake.handle(message('{oops'));
    expect(calls).toHaveLength(1);
    const letters = transport
      .messages(topicNames().commandsDlq)
      .map((m) => JSON.parse(m.value) as DeadLetter);
    expect(letters.map((l) => l.reason)).toEqual(['case.closed', 'invalid_json']);
    expect(letters[0]!.error).toMatchObject({ statusCode: 409, error: 'case.closed' });
    expect(letters[0]!.original).toMatchObject({ encoding: 'utf8', truncated: false });
    expect(JSON.parse(letters[0]!.original.excerpt)).toEqual(open);
  });

  it('quotes a large binary original as a bounded base64 excerpt with its size and place', () => {
    const bytes = Buffer.from(Array.from({ length: 500_000 }, (_, i) => (i * 7919) % 256));
    const original = quoteOriginal({ ...message(''), value: bytes.toString(), raw: bytes });
    expect(original).toMatchObject({ encoding: 'base64', size: 500_000, truncated: true });
    expect(Buffer.from(original.excerpt, 'base64')).toEqual(
      bytes.subarray(0, DEAD_LETTER_EXCERPT_BYTES),
    );
  });

  it('quotes control characters as bytes, not as escapes six times their size', () => {
    const text = '\u0001'.repeat(200_000);
    const original = quoteOriginal(message(text));
    expect(original.encoding).toBe('base64');
    expect(JSON.stringify(original).length).toBeLessThan(3 * DEAD_LETTER_EXCERPT_BYTES);
    expect(Buffer.from(original.excerpt, 'base64').toString()).toBe(
      text.slice(0, DEAD_LETTER_EXCERPT_BYTES),
    );
  });

  it('cuts a text excerpt on a character boundary', () => {
    const text = `${'a'.repeat(DEAD_LETTER_EXCERPT_BYTES - 1)}é and more`;
    const original = quoteOriginal(message(text));
    expect(original).toMatchObject({ encoding: 'utf8', truncated: true });
    expect(original.excerpt).toBe('a'.repeat(DEAD_LETTER_EXCERPT_BYTES - 1));
  });

  it('dead-letters a command that keeps failing on our side instead of jamming its partition', async () => {
    const transport = new InProcessTransport();
    const { gateway, calls } = gatewayFailing(
      Array.from({ length: MAX_ATTEMPTS_ON_FAULT }, () => new RangeError('stack exhausted')),
    );
    const intake = new CommandIntake(gateway, transport, config, new CountedOutcomes());
    jest.useFakeTimers({ advanceTimers: true });
    try {
      const handled = intake.handle(message(open, '9'));
      await jest.runAllTimersAsync();
      await handled;
    } finally {
      jest.useRealTimers();
    }
    expect(calls).toHaveLength(MAX_ATTEMPTS_ON_FAULT);
    const [letter] = transport
      .messages(topicNames().commandsDlq)
      .map((m) => JSON.parse(m.value) as DeadLetter);
    expect(letter).toMatchObject({
      reason: 'internal_error',
      attempts: MAX_ATTEMPTS_ON_FAULT,
      original: { offset: '9' },
    });
  });

  it('keeps retrying a dead letter the broker refuses, and sends it once the broker takes it', async () => {
    const transport = new InProcessTransport();
    const send = transport.send.bind(transport);
    let refusals = 2;
    transport.send = (topic, messages) =>
      refusals-- > 0 ? Promise.reject(new Error('broker unavailable')) : send(topic, messages);
    const { gateway } = gatewayFailing([
      new DomainRuleViolation('case.closed', 'conflict', 'Case c1 is closed'),
    ]);
    const intake = new CommandIntake(gateway, transport, config, new CountedOutcomes());
    await intake.handle(message(open));
    expect(transport.messages(topicNames().commandsDlq)).toHaveLength(1);
  });

  it('runs messages with one key in order, and other keys side by side', async () => {
    const order: string[] = [];
    const gateway = {
      execute: async (_t: string, params: Record<string, string>, body: { note: string }) => {
        order.push(`${params.caseId}:${body.note}`);
        await new Promise((r) => setTimeout(r, params.caseId === 'a' ? 20 : 1));
        return { ids: {}, streamId: 's', revision: 0, position: 1, events: [], replayed: false };
      },
    } as unknown as CommandGateway;
    const intake = new CommandIntake(
      gateway,
      new InProcessTransport(),
      config,
      new CountedOutcomes(),
    );
    const contact = (caseId: string, note: string, offset: string) => ({
      ...message(
        {
          type: 'LogContact',
          data: { caseId, channel: 'phone', direction: 'inbound', agentId: 'x', note },
        },
        offset,
      ),
      key: `case-${caseId}`,
    });
    await intake.handleBatch([
      contact('a', '1', '0'),
      contact('b', '1', '1'),
      contact('a', '2', '2'),
      contact('b', '2', '3'),
    ]);
    expect(order.filter((o) => o.startsWith('a:'))).toEqual(['a:1', 'a:2']);
    expect(order.filter((o) => o.startsWith('b:'))).toEqual(['b:1', 'b:2']);
    // b did not wait for a's slow commands.
    expect(order.indexOf('b:2')).toBeLessThan(order.indexOf('a:2'));
  });
});
