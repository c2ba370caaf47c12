import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';

describe('accounts', () => {
  jest.setTimeout(60_000);
  let dir: string;
  let heard: RunningHeard;
  const acme = {
    name: 'Acme GmbH',
    tier: 'smb',
    annualRevenue: { amount: 120000, currency: 'EUR' },
    ownerId: 'sam',
  };

  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir);
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  it('refuses a bad currency, a negative amount and an unknown field, naming each, and writes nothing', async () => {
    const bad = await heard.put('/accounts/acme', {
      ...acme,
      annualRevenue: { amount: -5, currency: 'EUX' },
      colour: 'red',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'annualRevenue.amount',
      'annualRevenue.currency',
      'colour',
    ]);
    expect((await heard.get('/accounts/acme')).body.error).toBe('account.not_found');
  });

  it('keeps each version, read now or as of a moment', async () => {
    const first = await heard.put('/accounts/acme', acme);
    expect([first.status, first.body.ids, first.body.events]).toEqual([
      201,
      { accountId: 'acme' },
      ['AccountDefined'],
    ]);
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await heard.put('/accounts/acme', { ...acme, tier: 'enterprise', successManagerId: 'kim' });
    expect((await heard.get('/accounts/acme')).body).toMatchObject({
      accountId: 'acme',
      version: 2,
      tier: 'enterprise',
      successManagerId: 'kim',
      annualRevenue: { amount: 120000, currency: 'EUR' },
      versions: 2,
    });
    expect(
      (await heard.get(`/accounts/acme?asOf=${encodeURIComponent(between)}`)).body,
    ).toMatchObject({ version: 1, tier: 'smb' });
  });

  it("holds a case to the SLA policy of its account's tier, and names the owner in its alerts", async () => {
    await heard.put('/sla-policies/enterprise', {
      name: 'Enterprise',
      priority: 1,
      match: { accountTiers: ['enterprise'] },
      calendar: { timeZone: 'UTC', hours: '24x7' },
      targets: { firstResponse: 'PT1H' },
    });
    await heard.put('/sla-policies/standard', {
      name: 'Standard',
      priority: 9,
      calendar: { timeZone: 'UTC', hours: '24x7' },
      targets: { firstResponse: 'PT8H' },
    });
    const open = (caseId: string, accountId?: string) =>
      heard.post('/cases', {
        caseId,
        customerId: `cust-${caseId}`,
        accountId,
        channel: 'phone',
        category: 'billing',
        summary: 'Invoice wrong',
      });
    const key = await open('acme-1', 'acme');
    const other = await open('walk-in-1');
    expect(
      (await heard.get(`/cases/acme-1?minPosition=${key.body.position}`)).body.sla.policyId,
    ).toBe('enterprise');
    expect(
      (await heard.get(`/cases/walk-in-1?minPosition=${other.body.position}`)).body.sla.policyId,
    ).toBe('standard');

    const escalated = await heard.post('/cases/acme-1/escalations', {
      agentId: 'lead',
      level: 'manager',
      reason: 'Threatens to leave',
      notifySales: true,
    });
    const alerts = (
      await heard.get(
        `/messages?type=heard.account-alert.escalation&minPosition=${escalated.body.position}`,
      )
    ).body.messages;
    expect(alerts[0].data).toMatchObject({
      accountId: 'acme',
      ownerId: 'sam',
      successManagerId: 'kim',
    });
  });
});
