import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainCommand } from '@heard/domain';
import { SqliteEventStore } from '@heard/event-store';
import {
  DEFAULT_SPIKE_RULE,
  ProjectionRunner,
  recurringIssuesProjection,
} from '@heard/projections';
import { SqliteReadStore } from '@heard/read-store';
import { recordAll } from '../../projections/src/testing/record';
import type { ExecuteDomainCommand } from '@heard/commands';
import { TrackerCommentBack } from './comment-back';

const at = '2026-05-01T09:00:00.000Z';

/** The comment back over the real recurring-issues projection, with the tracker's API counted. */
describe('the comment back', () => {
  jest.setTimeout(20_000);
  let dir: string;
  let events: SqliteEventStore;
  let reads: SqliteReadStore;
  let runner: ProjectionRunner;
  let calls: string[];
  const fakeFetch = ((url: string) => {
    calls.push(url);
    return Promise.resolve(new Response(JSON.stringify({ id: 1 }), { status: 201 }));
  }) as typeof fetch;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heard-comment-back-'));
    events = new SqliteEventStore(join(dir, 'events.db'));
    reads = new SqliteReadStore(join(dir, 'reads.db'));
    runner = new ProjectionRunner(
      events,
      reads,
      [recurringIssuesProjection(DEFAULT_SPIKE_RULE)],
      undefined,
      100,
    );
    await runner.start();
    calls = [];
  });
  afterEach(async () => {
    await runner.stop();
    await reads.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const given = async (commands: DomainCommand[]) => {
    await recordAll(events, commands);
    expect(await runner.waitFor(await events.head(), 5000)).toBe(true);
  };
  /** Commands go to the same store through the real decider, as the write path sends them. */
  const bus = {
    execute: async (command: ExecuteDomainCommand) => {
      await recordAll(events, [command.command]);
      return {} as never;
    },
  };
  const linked = (issueId: string): DomainCommand[] => [
    { type: 'IdentifyIssue', issueId, at, title: 'Sync', product: 'app', category: 'sync' },
    { type: 'LinkTracker', issueId, at, url: 'https://github.com/acme/app/issues/12' },
  ];
  const commentBack = () =>
    new TrackerCommentBack(
      bus,
      reads,
      { github: { token: 'ghp_token1234' } },
      {
        intervalMs: 1000,
        fetch: fakeFetch,
      },
    );

  it('comments once, also while the read model does not show the record yet, and not after', async () => {
    await given(linked('sync'));
    const back = commentBack();
    await back.pass();
    await back.pass();
    await runner.waitFor(await events.head(), 5000);
    await back.pass();
    // Another process (the lease moved) reads the record and comments no more either.
    await commentBack().pass();
    expect(calls).toEqual(['https://api.github.com/repos/acme/app/issues/12/comments']);
  });

  it('does not comment on the link of an issue closed before the comment came', async () => {
    await given([...linked('gone'), { type: 'CloseIssue', issueId: 'gone', at }]);
    const back = commentBack();
    await back.pass();
    await back.pass();
    expect(calls).toEqual([]);
  });

  it('comments no more when the issue refuses the record, even while the read model is behind', async () => {
    await given(linked('closing'));
    // Closed in the store, not yet in the read model: the record of the comment is refused.
    await runner.stop();
    await recordAll(events, [{ type: 'CloseIssue', issueId: 'closing', at }]);
    const back = commentBack();
    await back.pass();
    await back.pass();
    await back.pass();
    expect(calls).toHaveLength(1);
  });

  it('ends a call the tracker does not answer when it stops, without counting it a failure', async () => {
    await given(linked('slow'));
    let reason: unknown;
    const hanging = ((_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        calls.push('hanging');
        init!.signal!.addEventListener('abort', () => {
          reason = init!.signal!.reason;
          reject(new Error('aborted'));
        });
      })) as typeof fetch;
    const back = new TrackerCommentBack(
      bus,
      reads,
      { github: { token: 'ghp_token1234' } },
      {
        intervalMs: 1000,
        fetch: hanging,
      },
    );
    await back.start();
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await back.stop();
    // Stopped by the lease going, not by the call's own timeout.
    expect((reason as Error).name).toBe('AbortError');
    expect(back.status()).toMatchObject({ commented: 0, failed: 0 });
  });
});
