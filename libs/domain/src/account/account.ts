import { assertNever, type Decider } from '../shared/decider';

/** A yearly amount in one currency (ISO 4217). */
export interface AnnualRevenue {
  amount: number;
  currency: string;
}

/** What heard knows of a customer account: from a CRM, the CLI or an admin. */
export interface AccountTerms {
  name: string;
  /** A word the organisation chooses (enterprise, gold, smb): SLA policies match on it. */
  tier: string;
  annualRevenue?: AnnualRevenue;
  /** The account's sales owner. */
  ownerId: string;
  successManagerId?: string;
}

export type AccountDefined = {
  type: 'AccountDefined';
  data: AccountTerms & { accountId: string; version: number; definedAt: string };
};
export type AccountEvent = AccountDefined;

/** Sets the account as it is now: each change is a new version, read as of any moment. */
export type DefineAccount = {
  type: 'DefineAccount';
  accountId: string;
  at: string;
  terms: AccountTerms;
};
export type AccountCommand = DefineAccount;

export interface AccountState extends Partial<AccountTerms> {
  accountId?: string;
  version: number;
  definedAt?: string;
}

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState: () => ({ version: 0 }),
  evolve: (_state, event) => {
    switch (event.type) {
      case 'AccountDefined':
        return { ...event.data };
      default:
        return assertNever(event.type);
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'DefineAccount':
        return [
          {
            type: 'AccountDefined',
            data: {
              accountId: command.accountId,
              version: state.version + 1,
              ...command.terms,
              definedAt: command.at,
            },
          },
        ];
      default:
        return assertNever(command.type);
    }
  },
};
