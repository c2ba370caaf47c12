import type { RecordedEvent } from '@heard/event-store';
import { enqueueOutbound, type OutboundMessage } from '@heard/read-store';
import { BatchRows } from '../shared/batch-rows';
import type { Projection } from '../projection';
import type { ReadTx } from '@heard/read-store';
import { known } from '../shared/known-events';

export interface AccountAlertRule {
  /** An alert when an account has more open cases than this; re-armed once it is back to it. */
  openCasesThreshold: number;
}

interface CaseRow {
  case_id: string;
  account_id: string;
  open: number;
}

interface AccountRow {
  account_id: string;
  open_cases: number;
  alerting: number;
  /** Who is told, from the account's latest version (PUT /accounts/:accountId). */
  owner_id: string | null;
  success_manager_id: string | null;
}

export const DEFAULT_ACCOUNT_ALERT_RULE: AccountAlertRule = { openCasesThreshold: 5 };

/**
 * Hot accounts, for their sales teams: an escalation that asked to notify sales, and an
 * account whose open cases (not resolved, not closed) rise above the threshold. Each alert's
 * id comes from the event that raised it: one alert per trigger, whatever replays it.
 */
export const accountAlertsProjection = (rule: AccountAlertRule): Projection => ({
  name: 'account_alerts',
  // 2: accounts' owners, named in the alerts
  version: 2,
  tables: ['aa_cases', 'aa_accounts'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS aa_cases (
      case_id    TEXT    PRIMARY KEY,
      account_id TEXT    NOT NULL,
      open       BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS aa_accounts (
      account_id         TEXT   PRIMARY KEY,
      open_cases         BIGINT NOT NULL,
      alerting           BIGINT NOT NULL,
      owner_id           TEXT,
      success_manager_id TEXT
    );`,

  async apply(events: RecordedEvent[], tx: ReadTx) {
    const outbound: OutboundMessage[] = [];
    // The cases and accounts the batch touches, read once; writes go on to the tables.
    const touched = known(events).filter((e) => e.streamId.startsWith('case-'));
    const cases = await new BatchRows<CaseRow>('aa_cases', ['case_id']).load(
      tx,
      'case_id',
      touched.map((e) => e.streamId.slice('case-'.length)),
    );
    const accounts = await new BatchRows<AccountRow>('aa_accounts', ['account_id']).load(
      tx,
      'account_id',
      [
        ...cases.all().map((c) => c.account_id),
        ...touched.flatMap((e) =>
          e.type === 'CaseOpened' || e.type === 'CaseEscalated'
            ? [e.data.accountId].filter((id): id is string => !!id)
            : [],
        ),
        ...known(events).flatMap((e) => (e.type === 'AccountDefined' ? [e.data.accountId] : [])),
      ],
    );
    const openCases = (accountId: string): AccountRow =>
      accounts.get(accountId) ?? {
        account_id: accountId,
        open_cases: 0,
        alerting: 0,
        owner_id: null,
        success_manager_id: null,
      };
    /** Whom an alert of the account names: its owner and success manager, when known. */
    const people = (accountId: string) => {
      const a = openCases(accountId);
      return { ownerId: a.owner_id, successManagerId: a.success_manager_id };
    };

    /** Opens (+1) or settles (-1) a case of an account, and alerts on the way up. */
    const move = async (event: RecordedEvent, caseId: string, accountId: string, delta: 1 | -1) => {
      const c = cases.get(caseId);
      if (c) cases.change(c, { open: delta > 0 ? 1 : 0 });
      const before = openCases(accountId);
      const open = before.open_cases + delta;
      let alerting = before.alerting;
      if (open > rule.openCasesThreshold && !alerting) {
        alerting = 1;
        await cases.load(tx, 'account_id', [accountId]);
        const openIds = cases
          .filter((c) => c.account_id === accountId && c.open === 1)
          .map((c) => c.case_id)
          .sort();
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
            caseIds: openIds,
            ...people(accountId),
          },
        });
      } else if (open <= rule.openCasesThreshold) alerting = 0;
      const account = accounts.get(accountId);
      if (account) accounts.change(account, { open_cases: open, alerting });
      else accounts.insert({ ...openCases(accountId), open_cases: open, alerting });
    };

    for (const event of known(events)) {
      if (event.type === 'AccountDefined') {
        const d = event.data;
        const account = accounts.get(d.accountId);
        const named = { owner_id: d.ownerId, success_manager_id: d.successManagerId ?? null };
        if (account) accounts.change(account, named);
        else accounts.insert({ ...openCases(d.accountId), ...named });
        continue;
      }
      if (!event.streamId.startsWith('case-')) continue;
      const caseId = event.streamId.slice('case-'.length);
      switch (event.type) {
        case 'CaseOpened': {
          const d = event.data;
          if (!d.accountId) break;
          cases.insert({ case_id: caseId, account_id: d.accountId, open: 0 });
          await move(event, caseId, d.accountId, 1);
          break;
        }
        case 'CaseResolved':
        case 'CaseClosed': {
          const c = cases.get(caseId);
          if (c?.open) await move(event, caseId, c.account_id, -1);
          break;
        }
        case 'CaseReopened': {
          const c = cases.get(caseId);
          if (c && !c.open) await move(event, caseId, c.account_id, 1);
          break;
        }
        case 'CaseEscalated': {
          const d = event.data;
          if (!d.notifySales || !d.accountId) break;
          const { open_cases } = openCases(d.accountId);
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
              ...people(d.accountId),
            },
          });
          break;
        }
        default:
          // Events this projection does not read.
          break;
      }
    }
    await cases.save(tx);
    await accounts.save(tx);
    await enqueueOutbound(tx, outbound);
  },
});
