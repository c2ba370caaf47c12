import {
  asAdmin,
  removeDir,
  startHeard,
  tempDataDir,
  readYourWrites,
  type RunningHeard,
} from '../support/heard-app';

/** Demand weighed by revenue, the key accounts' owners told, tracker links recorded. */
describe('the product loop', () => {
  jest.setTimeout(90_000);
  let dir: string;
  let heard: RunningHeard;
  const { write, fresh } = readYourWrites();
  const open = (caseId: string, category: string, accountId?: string) =>
    write(
      heard.post('/cases', {
        caseId,
        customerId: `cust-${caseId}`,
        accountId,
        channel: 'email',
        product: 'app',
        category,
        summary: category === 'sync' ? 'Sync stops overnight' : 'Invoice has the wrong VAT',
      }),
    );
  const syncGroup = async (query = '') =>
    (await heard.get(fresh(`/reports/recurring-issues${query}`))).body.groups.find(
      (g: { group: string }) => g.group === 'unlinked:app|sync',
    );

  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir, {
      HEARD_KEY_ACCOUNT_TIERS: 'enterprise,strategic',
      HEARD_ACCOUNT_ALERT_OPEN_CASES: '100',
    });
    const account = (id: string, tier: string, amount: number, currency: string, ownerId: string) =>
      write(
        heard.put(`/accounts/${id}`, {
          name: id,
          tier,
          annualRevenue: { amount, currency },
          ownerId,
        }),
      );
    await account('acme', 'enterprise', 120000, 'EUR', 'sam');
    await account('globex', 'smb', 50000, 'USD', 'sam');
    await account('initech', 'smb', 30000, 'EUR', 'lee');
    await open('s1', 'sync', 'acme');
    await open('s2', 'sync', 'acme');
    await open('s3', 'sync', 'globex');
    await open('s4', 'sync', 'initech');
    await open('s5', 'sync');
    for (const n of [1, 2, 3, 4, 5, 6]) await open(`b${n}`, 'billing');
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  it('weighs a recurring issue by the revenue of its distinct accounts, per currency', async () => {
    // globex moves up a tier: the group names the tier it has now.
    await write(
      heard.put('/accounts/globex', {
        name: 'globex',
        tier: 'strategic',
        annualRevenue: { amount: 50000, currency: 'USD' },
        ownerId: 'sam',
      }),
    );
    expect(await syncGroup()).toMatchObject({
      cases: 5,
      customers: 5,
      accounts: ['acme', 'globex', 'initech'],
      tiers: ['enterprise', 'smb', 'strategic'],
      revenueAtStake: { EUR: 150000, USD: 50000 },
    });
  });

  it('sorts by cases, customers or revenue, and says which currency ranked', async () => {
    const order = async (sort: string) => {
      const report = (await heard.get(fresh(`/reports/recurring-issues?sort=${sort}`))).body;
      return { currency: report.revenueCurrency, groups: report.groups.map((g: any) => g.group) };
    };
    expect((await order('cases')).groups).toEqual(['unlinked:app|billing', 'unlinked:app|sync']);
    expect(await order('revenue')).toEqual({
      currency: 'EUR',
      groups: ['unlinked:app|sync', 'unlinked:app|billing'],
    });
    const bad = await heard.get('/reports/recurring-issues?sort=revenue&currency=euros');
    expect([bad.status, bad.body.fields[0].field]).toEqual([400, 'currency']);
  });

  it('puts revenue at stake in the CSV, a column per currency', async () => {
    const csv = await fetch(`${heard.url}/reports/recurring-issues?sort=revenue`, {
      headers: { ...asAdmin, accept: 'text/csv' },
    });
    const [header, first] = (await csv.text()).split('\n');
    const columns = header!.split(',');
    const cells = first!.split(',');
    expect(cells[columns.indexOf('revenueAtStake.EUR')]).toBe('150000');
    expect(cells[columns.indexOf('revenueAtStake.USD')]).toBe('50000');
  });

  it('names accounts and revenue on candidate issues too', async () => {
    const { candidates } = (
      await heard.get(fresh('/reports/candidate-issues?minCases=3&similarity=0.3'))
    ).body;
    const sync = candidates.find((c: { title: string }) => c.title === 'Sync stops overnight');
    expect(sync).toMatchObject({ revenueAtStake: { EUR: 150000, USD: 50000 } });
  });

  it('keeps the revenue counts when a customer is erased', async () => {
    const erased = await heard.post('/customers/cust-s1/erasure', {});
    expect(erased.status).toBe(200);
    expect(await syncGroup()).toMatchObject({
      customers: 5,
      revenueAtStake: { EUR: 150000, USD: 50000 },
    });
  });

  it('alerts the owner of a key account at once on an escalation, not of other accounts', async () => {
    const escalate = (caseId: string) =>
      write(
        heard.post(`/cases/${caseId}/escalations`, {
          agentId: 'lead',
          level: 'manager',
          reason: 'Waiting since Monday',
        }),
      );
    await escalate('s2');
    await escalate('s4');
    const sales = await heard.post('/admin/api-keys', { name: 'sam', role: 'sales' });
    const asSam = { authorization: `Bearer ${sales.body.secret}` };
    const mine = await heard.call('GET', fresh('/owners/sam/alerts'), undefined, asSam);
    expect(mine.status).toBe(200);
    expect(mine.body.accounts.map((a: { accountId: string }) => a.accountId)).toEqual([
      'acme',
      'globex',
    ]);
    expect(mine.body.alerts).toEqual([
      expect.objectContaining({
        type: 'heard.account-alert.escalation',
        accountId: 'acme',
        caseId: 's2',
        data: expect.objectContaining({ ownerId: 'sam', keyAccount: true }),
      }),
    ]);
    // initech is smb: its escalation (no notifySales) alerts nobody.
    expect((await heard.get(fresh('/owners/lee/alerts'))).body.alerts).toEqual([]);
    // A sales key reads its own owner's alerts only; a supervisor or admin reads anyone's.
    const other = await heard.call('GET', '/owners/lee/alerts', undefined, asSam);
    expect([other.status, other.body.error]).toEqual([403, 'owner.not_yours']);
  });

  it('links an issue to a tracker issue, refusing a URL that names none', async () => {
    await write(
      heard.post('/issues', { issueId: 'sync', title: 'Sync', product: 'app', category: 'sync' }),
    );
    const bad = await heard.post('/issues/sync/tracker-links', { url: 'https://example.com/1' });
    expect([bad.status, bad.body.fields[0].field]).toEqual([400, 'url']);
    await write(
      heard.post('/issues/sync/tracker-links', {
        url: 'https://github.com/Acme/App/issues/12',
        onTrackerDone: 'ship',
      }),
    );
    const again = await heard.post('/issues/sync/tracker-links', {
      url: 'https://github.com/acme/app/issues/12',
    });
    expect([again.status, again.body.error]).toEqual([409, 'issue.tracker_already_linked']);
    // Without HEARD_GITHUB_WEBHOOK_SECRET the receiver is off, and says which setting turns it on.
    const off = await heard.call('POST', '/webhooks/github', {}, {});
    expect([off.status, off.body.error, off.body.message]).toEqual([
      404,
      'webhook.not_configured',
      expect.stringContaining('HEARD_GITHUB_WEBHOOK_SECRET'),
    ]);
    const audience = (await heard.get(fresh('/issues/sync/fix-notice-audience'))).body;
    expect(audience.trackerLinks).toEqual([
      expect.objectContaining({
        linkId: 'github:acme/app#12',
        onTrackerDone: 'ship',
        state: null,
        done: false,
      }),
    ]);
  });
});
