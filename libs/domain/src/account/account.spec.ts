import { specFor } from '../testing/given-when-then';
import { fold } from '../shared/decider';
import { accountDecider, type AccountDefined, type AccountTerms } from './account';

const spec = specFor(accountDecider);
const terms: AccountTerms = {
  name: 'Acme GmbH',
  tier: 'smb',
  annualRevenue: { amount: 120_000, currency: 'EUR' },
  ownerId: 'sam',
};
const v1: AccountDefined = {
  type: 'AccountDefined',
  data: { accountId: 'acme', version: 1, ...terms, definedAt: '2026-03-01T09:00:00.000Z' },
};

describe('an account', () => {
  it('records each change as a new version, whole', () => {
    spec([])
      .when({ type: 'DefineAccount', accountId: 'acme', at: v1.data.definedAt, terms })
      .then([v1]);
    const upgraded = { ...terms, tier: 'enterprise', successManagerId: 'kim' };
    spec([v1])
      .when({
        type: 'DefineAccount',
        accountId: 'acme',
        at: '2026-04-01T09:00:00.000Z',
        terms: upgraded,
      })
      .then([
        {
          type: 'AccountDefined',
          data: {
            accountId: 'acme',
            version: 2,
            ...upgraded,
            definedAt: '2026-04-01T09:00:00.000Z',
          },
        },
      ]);
    expect(fold(accountDecider, [v1]).tier).toBe('smb');
  });
});
