import type { ReadStore } from '@heard/read-store';
import type { AlertRow } from './account-alerts.projection';

export interface OwnedAccount {
  accountId: string;
  name: string | null;
  tier: string | null;
  /** How the person relates to it: its sales owner or its success manager. */
  as: 'owner' | 'successManager';
  openCases: number;
  /** Above the open-cases threshold now. */
  hot: boolean;
}

export interface OwnerAlert {
  alertId: string;
  type: string;
  accountId: string;
  caseId: string | null;
  reason: string;
  at: string;
  data: Record<string, unknown>;
}

export interface OwnerAlerts {
  ownerId: string;
  accounts: OwnedAccount[];
  alerts: OwnerAlert[];
}

/**
 * The accounts a person owns (or manages the success of) as they stand now, and their alerts,
 * newest first: an account handed to another owner takes its alerts with it.
 */
export const readOwnerAlerts = async (
  store: ReadStore,
  ownerId: string,
  limit: number,
): Promise<OwnerAlerts> => {
  const owned = await store.query<{
    account_id: string;
    name: string | null;
    tier: string | null;
    owner_id: string | null;
    open_cases: number;
    alerting: number;
  }>(
    `SELECT account_id, name, tier, owner_id, open_cases, alerting FROM aa_accounts
     WHERE owner_id = ? OR success_manager_id = ? ORDER BY account_id`,
    [ownerId, ownerId],
  );
  const ids = owned.map((a) => a.account_id);
  const alerts =
    ids.length === 0
      ? []
      : await store.query<AlertRow>(
          `SELECT * FROM aa_alerts WHERE account_id IN (${ids.map(() => '?').join(', ')})
           ORDER BY time DESC, alert_id LIMIT ?`,
          [...ids, limit],
        );
  return {
    ownerId,
    accounts: owned.map((a) => ({
      accountId: a.account_id,
      name: a.name,
      tier: a.tier,
      as: a.owner_id === ownerId ? 'owner' : 'successManager',
      openCases: Number(a.open_cases),
      hot: Number(a.alerting) === 1,
    })),
    alerts: alerts.map((a) => ({
      alertId: a.alert_id,
      type: a.type,
      accountId: a.account_id,
      caseId: a.case_id,
      reason: a.reason,
      at: a.time,
      data: JSON.parse(a.data) as Record<string, unknown>,
    })),
  };
};
