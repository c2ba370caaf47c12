import type { RecordedEvent } from '@heard/event-store';
import { enqueueOutbound, type OutboundMessage } from '@heard/read-store';
import type { Projection } from '../projection';
import type { ReadTx } from '@heard/read-store';
import { known } from '../shared/known-events';

export interface AccountAlertRule {
  /** An alert when an account has more open cases than this; re-armed once it is back to it. */
  openCasesThreshold: number;
}

export const DEFAULT_ACCOUNT_ALERT_RULE: AccountAlertRule = { openCasesThreshold: 5 };

/**
 * Hot accounts, for their sales teams: an escalation that asked to notify sales, and an
 * account whose open cases (not resolved, not closed) rise above the threshold. Each alert's
 * id comes from the event that raised it: one alert per trigger, whatever replays it.
 */
export const accountAlertsProjection = (rule: AccountAlertRule): Projection => ({
  name: 'account_alerts',
  version: 1,
  tables: ['aa_cases', 'aa_accounts'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS aa_cases (
      case_id    TEXT    PRIMARY KEY,
      account_id TEXT    NOT NULL,
      open       BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS aa_accounts (
      account_id TEXT    PRIMARY KEY,
      open_cases BIGINT NOT NULL,
      alerting   BIGINT NOT NULL
    );`,

  async apply(events: RecordedEvent[], tx: ReadTx) {
    const outbound: OutboundMessage[] = [];
    const accountOf = async (caseId: string) =>
      (
        await tx.query<{ account_id: string; open: number }>(
          'SELECT account_id, open FROM aa_cases WHERE case_id = ?',
          [caseId],
        )
      )[0];
    const openCases = async (accountId: string) =>
      (
        await tx.query<{ open_cases: number; alerting: number }>(
          'SELECT open_cases, alerting FROM aa_accounts WHERE account_id = ?',
          [accountId],
        )
      )[0] ?? { open_cases: 0, alerting: 0 };

    /** Opens (+1) or settles (-1) a case of an account, and alerts on the way up. */
    const move = async (event: RecordedEvent, caseId: string, accountId: string, delta: 1 | -1) => {
      await tx.execute('UPDATE aa_cases SET open = ? WHERE case_id = ?', [
        delta > 0 ? 1 : 0,
        caseId,
      ]);
      const before = await openCases(accountId);
      const open = before.open_cases + delta;
      let alerting = before.alerting;
      if (open > rule.openCasesThreshold && !alerting) {
        alerting = 1;
        const openIds = await tx.query<{ case_id: string }>(
          'SELECT case_id FROM aa_cases WHERE account_id = ? AND open = 1 ORDER BY case_id',
          [accountId],
        );
        outbound.push({
          id: `account-alert:open-cases:${event.metadata.eventId}`,
          topic: 'account-alerts',
          type: 'heard.account-alert.open-cases',
          key: accountId,
          subject: `account-${accountId}`,
          time: event.metadata.occurredAt,
          data: {
            accountId,
            reason: `${open} open cases, above the threshold of ${rule.openCasesThreshold}`,
            openCases: open,
            threshold: rule.openCasesThreshold,
            caseIds: openIds.map((r) => r.case_id),
          },
        });
      } else if (open <= rule.openCasesThreshold) alerting = 0;
      await tx.execute(
        `INSERT INTO aa_accounts (account_id, open_cases, alerting) VALUES (?, ?, ?)
         ON CONFLICT (account_id) DO UPDATE SET open_cases = excluded.open_cases, alerting = excluded.alerting`,
        [accountId, open, alerting],
      );
    };

    for (const event of known(events)) {
      if (!event.streamId.startsWith('case-')) continue;
      const caseId = event.streamId.slice('case-'.length);
      switch (event.type) {
        case 'CaseOpened': {
          const d = event.data;
          if (!d.accountId) break;
          await tx.execute(
            'INSERT INTO aa_cases (case_id, account_id, open) VALUES (?, ?, 0) ON CONFLICT (case_id) DO NOTHING',
            [caseId, d.accountId],
          );
          await move(event, caseId, d.accountId, 1);
          break;
        }
        case 'CaseResolved':
        case 'CaseClosed': {
          const c = await accountOf(caseId);
          if (c?.open) await move(event, caseId, c.account_id, -1);
          break;
        }
        case 'CaseReopened': {
          const c = await accountOf(caseId);
          if (c && !c.open) await move(event, caseId, c.account_id, 1);
          break;
        }
        case 'CaseEscalated': {
          const d = event.data;
          if (!d.notifySales || !d.accountId) break;
          const { open_cases } = await openCases(d.accountId);
          outbound.push({
            id: `account-alert:escalation:${event.metadata.eventId}`,
            topic: 'account-alerts',
            type: 'heard.account-alert.escalation',
            key: d.accountId,
            subject: `account-${d.accountId}`,
            time: d.escalatedAt,
            data: {
              accountId: d.accountId,
              reason: `Case ${caseId} escalated to ${d.level}: ${d.reason}`,
              caseId,
              level: d.level,
              escalatedBy: d.agentId,
              openCases: open_cases,
            },
          });
          break;
        }
        default:
          // Events this projection does not read.
          break;
      }
    }
    await enqueueOutbound(tx, outbound);
  },
});
