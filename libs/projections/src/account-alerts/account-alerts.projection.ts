import { ERASED, erasePersonalFields } from '@heard/domain';
import type { RecordedEvent } from '@heard/event-store';
import { enqueueOutbound, upsertRows, type OutboundMessage } from '@heard/read-store';
import { BatchRows } from '../shared/batch-rows';
import type { Projection } from '../projection';
import type { ReadTx } from '@heard/read-store';
import { known } from '../shared/known-events';

export interface AccountAlertRule {
  /** An alert when an account has more open cases than this; re-armed once it is back to it. */
  openCasesThreshold: number;
  /** Tiers whose accounts' escalations and SLA breaches alert the owner at once. */
  keyTiers?: readonly string[];
}

interface CaseRow {
  case_id: string;
  account_id: string;
  customer_id: string;
  open: number;
}

interface AccountRow {
  account_id: string;
  open_cases: number;
  alerting: number;
  /** Who is told, from the account's latest version (PUT /accounts/:accountId). */
  owner_id: string | null;
  success_manager_id: string | null;
  name: string | null;
  tier: string | null;
}

/** A row of `aa_alerts`: each alert put on the account-alerts topic, for the owners' lists. */
export interface AlertRow {
  alert_id: string;
  account_id: string;
  /** The customer whose case raised it: its words in `reason` go with an erasure. */
  customer_id: string | null;
  type: string;
  case_id: string | null;
  reason: string;
  time: string;
  data: string;
}

export const DEFAULT_ACCOUNT_ALERT_RULE: AccountAlertRule = { openCasesThreshold: 5 };

/**
 * Hot accounts, for their sales teams: an escalation that asked to notify sales, an account
 * whose open cases (not resolved, not closed) rise above the threshold, and, for an account of
 * a key tier, any escalation and SLA breach. Each alert's id comes from the event that raised
 * it: one alert per trigger, whatever replays it. Alerts go to the topic and to `aa_alerts`
 * (GET /owners/:ownerId/alerts).
 */
export const accountAlertsProjection = (rule: AccountAlertRule): Projection => ({
  name: 'account_alerts',
  // 2: accounts' owners, named in the alerts; 3: key tiers, and the alerts kept for owners
  version: 3,
  tables: ['aa_cases', 'aa_accounts', 'aa_alerts'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS aa_cases (
      case_id     TEXT    PRIMARY KEY,
      account_id  TEXT    NOT NULL,
      customer_id TEXT    NOT NULL,
      open       BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS aa_accounts (
      account_id         TEXT   PRIMARY KEY,
      open_cases         BIGINT NOT NULL,
      alerting           BIGINT NOT NULL,
      owner_id           TEXT,
      success_manager_id TEXT,
      name               TEXT,
      tier               TEXT
    );
    CREATE INDEX IF NOT EXISTS aa_accounts_by_owner ON aa_accounts (owner_id);
    CREATE INDEX IF NOT EXISTS aa_accounts_by_manager ON aa_accounts (success_manager_id);
    CREATE TABLE IF NOT EXISTS aa_alerts (
      alert_id    TEXT PRIMARY KEY,
      account_id  TEXT NOT NULL,
      customer_id TEXT,
      type       TEXT NOT NULL,
      case_id    TEXT,
      reason     TEXT NOT NULL,
      time       TEXT NOT NULL,
      data       TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS aa_alerts_by_account ON aa_alerts (account_id, time);`,

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
        name: null,
        tier: null,
      };
    const keyTiers = new Set(rule.keyTiers ?? []);
    const isKey = (accountId: string) => {
      const tier = openCases(accountId).tier;
      return tier !== null && keyTiers.has(tier);
    };
    /** An alert on the topic, and kept for the account's owners. */
    const alert = (message: OutboundMessage & { data: { accountId: string; reason: string } }) => {
      outbound.push(message);
      const caseId = (message.data as { caseId?: string }).caseId ?? null;
      alerts.push({
        alert_id: message.id,
        account_id: message.data.accountId,
        customer_id: caseId ? (cases.get(caseId)?.customer_id ?? null) : null,
        type: message.type,
        case_id: caseId,
        reason: message.data.reason,
        time: message.time,
        data: JSON.stringify(message.data),
      });
    };
    const alerts: AlertRow[] = [];
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
        alert({
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
        const named = {
          owner_id: d.ownerId,
          success_manager_id: d.successManagerId ?? null,
          name: d.name,
          tier: d.tier,
        };
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
          cases.insert({
            case_id: caseId,
            account_id: d.accountId,
            customer_id: d.customerId,
            open: 0,
          });
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
          if (!d.accountId || !(d.notifySales || isKey(d.accountId))) break;
          const { open_cases } = openCases(d.accountId);
          alert({
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
              keyAccount: isKey(d.accountId),
              ...people(d.accountId),
            },
          });
          break;
        }
        case 'SlaTargetBreached': {
          const d = event.data;
          const c = cases.get(caseId);
          if (!c || !isKey(c.account_id)) break;
          alert({
            id: `account-alert:sla-breach:${event.metadata.eventId}`,
            topic: 'account-alerts',
            type: 'heard.account-alert.sla-breach',
            key: c.account_id,
            subject: `account-${c.account_id}`,
            time: event.metadata.occurredAt,
            data: {
              accountId: c.account_id,
              reason: `Case ${caseId} breached its ${d.target} target (due ${d.dueAt})`,
              caseId,
              target: d.target,
              dueAt: d.dueAt,
              openCases: openCases(c.account_id).open_cases,
              keyAccount: true,
              ...people(c.account_id),
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
    await upsertRows(tx, 'aa_alerts', ['alert_id'], alerts, 'keep');
    await enqueueOutbound(tx, outbound);
  },

  async forgetCustomer(tx: ReadTx, customerId: string) {
    // An escalation's reason is the customer's story: erased, the alert and its counts stay.
    for (const row of await tx.query<AlertRow>('SELECT * FROM aa_alerts WHERE customer_id = ?', [
      customerId,
    ]))
      await tx.execute('UPDATE aa_alerts SET reason = ?, data = ? WHERE alert_id = ?', [
        ERASED,
        JSON.stringify(erasePersonalFields(JSON.parse(row.data))),
        row.alert_id,
      ]);
  },
});
