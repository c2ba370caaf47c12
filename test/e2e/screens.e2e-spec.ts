import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_DEFAULTS, DEMO_DEFECT_ISSUE, demoHistory, loadOverHttp } from '@heard/demo';
import { ProjectionRunner } from '@heard/projections';
import { describeWithBrowser } from '../support/browser';
import {
  removeDir,
  startHeard,
  tempDataDir,
  TEST_ADMIN_KEY,
  type RunningHeard,
} from '../support/heard-app';
import { waitFor } from '../support/kafka';
import { githubIssueEvent } from '../support/tracker-deliveries';

const GITHUB_SECRET = 'screens-github-webhook-secret';

const demo = { ...DEMO_DEFAULTS, customers: 1200 };
const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 820, height: 1180 };
/** `npm run screenshots` sets it to docs/screens; otherwise they go to the test's data folder. */
const screenshotDir = process.env.HEARD_SCREENSHOTS;

describeWithBrowser(
  'the screens at /app, in headless Chromium, on the demo data',
  (executablePath) => {
    jest.setTimeout(90_000);
    let dir: string;
    let heard: RunningHeard;
    let browser: Browser;
    const keys: Record<string, string> = {};
    const pageErrors: string[] = [];

    beforeAll(async () => {
      dir = tempDataDir();
      heard = await startHeard(dir, { HEARD_GITHUB_WEBHOOK_SECRET: GITHUB_SECRET });
      const [index] = (await heard.call('GET', '/app/')).body.match(/<title>heard<\/title>/) ?? [];
      if (!index) throw new Error('The web app is not built: run `npm run build` before the tests');
      const report = await loadOverHttp(heard.url, demoHistory(demo), { apiKey: TEST_ADMIN_KEY });
      expect(report.refused).toBe(0);
      expect(await heard.app.get(ProjectionRunner).waitFor(report.lastPosition, 60_000)).toBe(true);
      for (const role of ['agent', 'product', 'analyst', 'supervisor']) {
        const made = await heard.post('/admin/api-keys', { name: `screen-${role}`, role });
        keys[role] = made.body.secret;
      }
      browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
      await heard?.stop();
      removeDir(dir);
    });
    afterEach(() => {
      // No screen may throw in the browser, whatever it shows.
      expect(pageErrors.splice(0)).toEqual([]);
    });

    const as = (role: string) => ({ authorization: `Bearer ${keys[role]}` });

    /** A new tab signed in with the role's key, typed into the form and sent with Enter. */
    const signedIn = async (role: string, viewport = DESKTOP): Promise<Page> => {
      const page = await browser.newPage({ viewport, acceptDownloads: true });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${heard.url}/app/`);
      await page.getByLabel('API key or identity-provider token').fill(keys[role]!);
      await page.keyboard.press('Enter');
      await page.getByText(`screen-${role} (${role})`).waitFor();
      return page;
    };

    const screenshot = async (page: Page, name: string) => {
      const into = screenshotDir ?? join(dir, 'screens');
      mkdirSync(into, { recursive: true });
      await page.screenshot({ path: join(into, `${name}.png`) });
    };

    /** A demo customer whose story has a handover, an apology and a fix: what an agent looks for. */
    const storiedCustomer = async () => {
      for (let n = 1; n < 200; n++) {
        const id = `cust-${String(n).padStart(6, '0')}`;
        const { status, body } = await heard.get(`/customers/${id}/timeline`);
        const s = body?.summary;
        if (status === 200 && s.lastHandover && s.apologies.total > 0 && s.fixesApplied.length > 0)
          return body;
      }
      throw new Error('no demo customer with a handover, an apology and a fix');
    };

    it('lets the agent find a customer by a case id and read the summary, then the timeline', async () => {
      const story = await storiedCustomer();
      const page = await signedIn('agent');
      await page.waitForURL(`${heard.url}/app/customers`);
      await page.getByLabel('Customer, account or case id').fill(story.summary.lastHandover.caseId);
      await page.getByRole('button', { name: 'Find' }).click();
      await page.getByRole('heading', { name: `Customer ${story.customerId}` }).waitFor();
      expect(page.url()).toBe(`${heard.url}/app/customers/${story.customerId}`);

      const known = page.getByRole('region', { name: 'What we already know' });
      await known.waitFor();
      const summaryText = await known.innerText();
      expect(summaryText).toContain(story.summary.lastHandover.summary);
      expect(summaryText).toContain(story.summary.apologies.latest[0].statement);
      expect(summaryText).toContain(story.summary.fixesApplied[0].description);
      expect(summaryText).toContain(`${story.summary.cases.total} cases`);

      const timeline = page.getByRole('region', { name: 'Timeline, newest first' }).locator('li');
      expect(await timeline.count()).toBe(story.entries.length);
      expect(await timeline.first().innerText()).toContain(story.entries[0].headline);

      // The case page: its audit trail, and the case as it stood before it was resolved.
      await page.getByRole('link', { name: story.summary.lastHandover.caseId }).first().click();
      await page
        .getByRole('heading', { name: `Case ${story.summary.lastHandover.caseId}` })
        .waitFor();
      const trail = (await heard.get(`/cases/${story.summary.lastHandover.caseId}/events`)).body
        .events;
      await page.getByRole('table', { name: 'Audit trail' }).waitFor();
      expect(
        await page.getByRole('table', { name: 'Audit trail' }).locator('tbody tr').count(),
      ).toBe(trail.length);
      const opened = new Date(Date.parse(trail[0].occurredAt) + 60_000);
      const local = new Date(opened.getTime() - opened.getTimezoneOffset() * 60_000)
        .toISOString()
        .slice(0, 19);
      await page.getByLabel('As it stood at').fill(local);
      await page.getByRole('button', { name: 'Show' }).click();
      await page.getByRole('heading', { name: /^As it stood at/ }).waitFor();
      // An hour in, the case was still open (it is resolved now).
      await page.locator('dl.facts .badge', { hasText: /^open$/ }).waitFor();
      await page.close();
    });

    it('shows a contact posted over the API without a reload', async () => {
      const story = await storiedCustomer();
      const page = await signedIn('agent');
      await page.goto(`${heard.url}/app/customers/${story.customerId}`);
      await page.getByRole('region', { name: 'Timeline, newest first' }).waitFor();
      await page.evaluate('window.notReloaded = true');
      // Read as it is in docs/screens/agent-customer.png: a note an agent would write.
      const note =
        'Customer called back to ask whether the claim has moved; told them it is with the carrier';
      const caseId = story.summary.lastHandover.caseId;
      const posted = await heard.call(
        'POST',
        `/cases/${caseId}/contacts`,
        { channel: 'phone', direction: 'inbound', agentId: 'screen-agent', note },
        { ...as('agent'), 'content-type': 'application/json' },
      );
      expect(posted.status).toBe(201);
      const newest = page
        .getByRole('region', { name: 'Timeline, newest first' })
        .locator('li')
        .first();
      await waitFor(
        async () => ((await newest.innerText()).includes(note) ? true : undefined),
        15_000,
      );
      expect(await page.evaluate('window.notReloaded')).toBe(true);
      await screenshot(page, 'agent-customer');
      await page.close();
    });

    it('shows the product team the spiking issue, accepts a candidate and announces a fix', async () => {
      const page = await signedIn('product');
      await page.waitForURL(`${heard.url}/app/issues`);
      // Each screen names itself in the browser's tab.
      await page.waitForFunction("document.title === 'Issues · heard'");
      const issues = page.getByRole('table', { name: 'Recurring issues and unlinked groups' });
      const defect = issues.locator('tr', { hasText: 'AquaBottle 2 lid leaks' });
      await defect.waitFor();
      expect(await defect.locator('.badge').innerText()).toBe('spiking');
      expect(await page.locator('figure.chart canvas').count()).toBeGreaterThan(0);
      // The legend names every series, without figures of its own ("--").
      const legend = await page.locator('figure.chart .u-legend').first().innerText();
      expect(legend).toContain('AquaBottle 2 lid leaks');
      expect(legend).not.toContain('--');
      await page.locator('#candidates ~ * li').first().waitFor();
      await screenshot(page, 'product-issues');

      // A candidate: link its cases to the defect issue.
      const candidates = (await heard.get('/reports/candidate-issues', as('product'))).body
        .candidates;
      expect(candidates.length).toBeGreaterThan(0);
      const candidate =
        candidates.find((c: { title: string }) => /lid/i.test(c.title)) ?? candidates[0];
      const card = page
        .locator('li', { hasText: candidate.title })
        .filter({ has: page.getByRole('button', { name: 'Link these cases to an issue' }) })
        .first();
      await card.getByLabel('Issue').selectOption(DEMO_DEFECT_ISSUE);
      await card.getByRole('button', { name: 'Link these cases to an issue' }).click();
      await page
        .getByText(`${candidate.caseIds.length} cases linked to ${DEMO_DEFECT_ISSUE}`)
        .waitFor();
      const linked = await heard.get(`/cases/${candidate.caseIds[0]}`);
      expect(linked.body.issueIds).toContain(DEMO_DEFECT_ISSUE);

      // Announce the fix: the form says first how many customers will hear of it; Cancel
      // closes it and announces nothing.
      const announce = page.getByRole('button', {
        name: 'Announce a fix for AquaBottle 2 lid leaks after a few weeks',
      });
      const form = page.getByRole('form', {
        name: 'Announce a fix for AquaBottle 2 lid leaks after a few weeks',
      });
      await announce.click();
      await form.getByRole('button', { name: 'Cancel' }).click();
      await form.waitFor({ state: 'detached' });
      await announce.click();
      const told = page.getByText(/customers \(\d+ cases\) will be told/);
      await told.waitFor();
      // The form read after this tab's link was projected: the same count as heard's own answer.
      const { body: audience } = await heard.get(
        `/issues/${DEMO_DEFECT_ISSUE}/fix-notice-audience`,
      );
      expect(await told.innerText()).toContain(
        `${audience.customers} customers (${audience.cases} cases) will be told`,
      );
      await page.getByLabel('Release').fill('AquaBottle lid v3');
      await page.getByLabel('What the fix does').fill('A new seal that keeps its shape');
      await page.getByRole('button', { name: 'Announce the fix' }).click();
      await page.getByText(`${audience.customers} customers will be told`).waitFor();
      const notices = await waitFor(async () => {
        const { body } = await heard.get(
          `/messages?type=heard.notice.fix-shipped&subject=issue-${DEMO_DEFECT_ISSUE}&limit=1000`,
        );
        return body.messages.length === audience.customers ? body.messages : undefined;
      });
      expect(notices).toHaveLength(audience.customers);
      await defect.getByText('shipped in AquaBottle lid v3').waitFor();
      await page.close();
    });

    it('links an issue to its tracker, and ships with one click the fix the tracker closed', async () => {
      // An issue a team owns, with a customer's case.
      await heard.post('/issues', {
        issueId: 'screen-sync',
        title: 'Sync stops overnight',
        product: 'app',
        category: 'sync',
      });
      await heard.post('/issues/screen-sync/acknowledgement', { team: 'sync', owner: 'pat' });
      await heard.post('/cases', {
        caseId: 'screen-sync-1',
        customerId: 'screen-cust',
        channel: 'email',
        product: 'app',
        category: 'sync',
        summary: 'Sync stops overnight',
      });
      await heard.post('/cases/screen-sync-1/issue-links', { issueId: 'screen-sync' });
      const page = await signedIn('product');
      await page.waitForURL(`${heard.url}/app/issues`);
      const row = page
        .getByRole('table', { name: 'Recurring issues and unlinked groups' })
        .locator('tr', { hasText: 'Sync stops overnight' });
      await row
        .getByRole('button', { name: 'Link Sync stops overnight to a tracker issue' })
        .click();
      const form = page.getByRole('form', { name: 'Link Sync stops overnight to a tracker issue' });
      await form
        .getByLabel('GitHub, GitLab, Jira or Linear issue URL')
        .fill('https://example.com/acme/app/pull/3');
      await form.getByRole('button', { name: 'Link the tracker issue' }).click();
      // heard's refusal, naming the field, in the form.
      await form.getByText(/url must name one issue of GitHub/).waitFor();
      await form
        .getByLabel('GitHub, GitLab, Jira or Linear issue URL')
        .fill('https://github.com/acme/app/issues/77');
      await form.getByRole('button', { name: 'Link the tracker issue' }).click();
      await row.getByRole('link', { name: 'acme/app#77' }).waitFor();
      expect(await row.innerText()).toContain('acme/app#77: linked');

      // Closed as done on GitHub: the fix waits for one click, filled in from the tracker.
      const closed = githubIssueEvent(GITHUB_SECRET, {
        repo: 'acme/app',
        number: 77,
        action: 'closed',
        state: 'closed',
        stateReason: 'completed',
        milestone: 'app 5.2',
      });
      const delivered = await fetch(`${heard.url}/webhooks/github`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...closed.headers },
        body: closed.body,
      });
      expect(delivered.status).toBe(200);
      await page.reload();
      await row.getByText('fix waits').waitFor();
      await row
        .getByRole('button', {
          name: 'Ship the fix the tracker closed for Sync stops overnight',
        })
        .click();
      const announce = page.getByRole('form', {
        name: 'Announce a fix for Sync stops overnight',
      });
      await announce.getByText('1 customers (1 cases) will be told').waitFor();
      expect(await announce.getByLabel('Release').inputValue()).toBe('app 5.2');
      await announce.getByRole('button', { name: 'Announce the fix' }).click();
      await row.getByText('shipped in app 5.2').waitFor();
      const notices = await waitFor(async () => {
        const { body } = await heard.get(
          '/messages?type=heard.notice.fix-shipped&subject=issue-screen-sync',
        );
        return body.messages.length === 1 ? body.messages : undefined;
      });
      expect(notices[0].key).toBe('screen-cust');
      await page.close();
    });

    it('shows the analyst the KPI charts, and a downloaded CSV holds the JSON report’s rows', async () => {
      const page = await signedIn('analyst');
      await page.waitForURL(`${heard.url}/app/issues`);
      await page.getByRole('link', { name: 'KPIs and impact' }).click();
      const kpis = page.getByRole('table', { name: 'KPIs by team' });
      await kpis.waitFor();
      await page.getByRole('table', { name: 'By channel' }).waitFor();
      expect(await page.locator('figure.chart canvas').count()).toBe(2);
      await screenshot(page, 'analyst-kpis');

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download CSV of kpis-by-team.csv' }).click(),
      ]);
      const rows = parse(readFileSync(await download.path()), { columns: true, cast: true });
      const report = (await heard.get('/reports/kpis?by=team', as('analyst'))).body;
      const json = report.rows;
      // Each row names the definitions it was computed with.
      const definitions = report.definitions
        .map((d: { kpi: string; version: number }) => `${d.kpi}@${d.version}`)
        .join(' ');
      expect(rows).toHaveLength(json.length);
      expect(rows).toEqual(
        json.map((row: Record<string, unknown>) => ({
          ...Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? '' : v])),
          definitions,
        })),
      );

      // A new definition while the screen is open: the newest is read, an older one on request.
      const defined = await heard.call(
        'PUT',
        '/kpi-definitions/first_contact_resolution',
        { maxInboundContacts: 5, allowHandovers: true },
        as('analyst'),
      );
      expect(defined.status).toBe(201);
      await page.reload();
      const summary = page.locator('details.definitions summary');
      await summary.getByText('first contact resolution v1').waitFor();
      await summary.click();
      await page.getByLabel('first contact resolution').selectOption('0');
      await summary.getByText('first contact resolution v0').waitFor();
      await page.close();
    });

    it("shows the supervisors' SLA queue, and a case's clocks and open promises on the customer screen", async () => {
      const policy = await heard.put('/sla-policies/screen-fast', {
        name: 'Screen fast',
        match: { categories: ['sla-screen'] },
        calendar: { timeZone: 'Europe/Berlin', hours: '24x7' },
        targets: { firstResponse: 'PT1S', resolution: 'PT8H' },
        escalation: [{ level: 'team', after: 'PT0S' }],
      });
      expect(policy.status).toBe(201);
      await heard.post('/cases', {
        caseId: 'sla-screen-1',
        customerId: 'cust-sla-screen',
        channel: 'email',
        category: 'sla-screen',
        summary: 'Still waiting for an answer',
      });
      const promise = 'We will call you back before noon';
      await heard.post('/cases/sla-screen-1/promises', {
        agentId: 'ana',
        promise,
        dueAt: new Date(Date.now() + 3_600_000).toISOString(),
        keptBy: 'outbound_contact',
      });
      for (let i = 0; i < 100; i++) {
        const events = (await heard.get('/cases/sla-screen-1/events')).body.events;
        if (events.some((e: { type: string }) => e.type === 'CaseEscalated')) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }

      const page = await signedIn('supervisor');
      await page.goto(`${heard.url}/app/sla`);
      const queue = page.getByRole('table', { name: /^Clocks at risk or breached/ });
      await queue.waitFor();
      const row = queue.locator('tbody tr', { hasText: 'sla-screen-1' });
      expect(await row.innerText()).toMatch(/first response\s+breached/);
      await screenshot(page, 'supervisor-sla');
      await page.close();

      const agent = await signedIn('agent');
      await agent.goto(`${heard.url}/app/customers/cust-sla-screen`);
      const promised = agent.getByRole('note', { name: 'What we promised' });
      await promised.waitFor();
      expect(await promised.innerText()).toContain(`We promised you “${promise}” by`);
      const clocks = agent.getByRole('list', { name: 'SLA Screen fast' });
      await clocks.waitFor();
      expect(await clocks.innerText()).toMatch(/First response: breached/);
      expect(await clocks.innerText()).toMatch(/Resolution: running/);
      await agent.close();
    });

    it('tells a role that may not see a screen so, and which roles may', async () => {
      const page = await signedIn('product');
      await page.goto(`${heard.url}/app/kpis`);
      await page.getByRole('heading', { name: 'Not for your role' }).waitFor();
      expect(await page.getByRole('alert').innerText()).toContain(
        'may not see the KPIs: it needs a key with the role analyst, supervisor or admin',
      );
      await page.goto(`${heard.url}/app/customers/cust-000001`);
      await page.getByRole('heading', { name: 'Not for your role' }).waitFor();
      expect(await page.getByRole('navigation', { name: 'Screens' }).innerText()).not.toContain(
        'Customers',
      );
      await page.close();
    });

    it('has no serious accessibility violations (axe-core) on the four screens, and fits a tablet', async () => {
      const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
      const story = await storiedCustomer();
      const screens: Array<[string, string]> = [
        ['agent', `/app/customers/${story.customerId}`],
        ['product', '/app/issues'],
        ['analyst', '/app/kpis'],
        ['supervisor', '/app/sla'],
      ];
      for (const viewport of [DESKTOP, TABLET])
        for (const [role, path] of screens) {
          const page = await signedIn(role, viewport);
          await page.goto(heard.url + path);
          await page.locator('main h2').first().waitFor();
          await page.waitForLoadState('networkidle');
          // Every part of the screen done loading (a part may still render after the network is
          // quiet); a part busy for good fails here.
          await page.waitForFunction(`!document.querySelector('[aria-busy="true"]')`, undefined, {
            timeout: 10_000,
          });
          // Evaluated over the DevTools protocol: the page's CSP (script-src 'self') does not apply.
          await page.evaluate(axeSource);
          // Browser code as text: this file is typed for Node, without the DOM.
          const violations = await page.evaluate(`
            axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] }).then((result) =>
              result.violations
                .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                .map((v) => v.id + ': ' + v.help + ' (' + v.nodes.length + ' nodes)'))`);
          expect([role, viewport.width, violations]).toEqual([role, viewport.width, []]);
          const overflow = await page.evaluate(
            'document.documentElement.scrollWidth - window.innerWidth',
          );
          expect([role, viewport.width, overflow]).toEqual([role, viewport.width, 0]);
          await page.close();
        }
    });

    it('serves the API docs at /docs, working under heard’s own Content-Security-Policy', async () => {
      const page = await browser.newPage({ viewport: DESKTOP });
      const refused: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy/i.test(m.text()))
          refused.push(m.text());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${heard.url}/docs`);
      await page.locator('.swagger-ui .info .title', { hasText: 'heard' }).waitFor();
      await page.getByText('/customers/{customerId}/timeline').first().waitFor();
      // "Authorize" takes the key, and "Try it out" sends it.
      await page.getByRole('button', { name: 'Authorize' }).first().click();
      const dialog = page.locator('.modal-ux');
      await dialog.locator('input').first().fill(TEST_ADMIN_KEY);
      await dialog.locator('.auth-btn-wrapper button.authorize').click();
      await dialog.locator('.auth-btn-wrapper button.btn-done').click();
      await page.locator('.opblock-summary-path', { hasText: /^\/me$/ }).click();
      await page.getByRole('button', { name: 'Try it out' }).click();
      await page.getByRole('button', { name: 'Execute' }).click();
      const answered = page.locator('.live-responses-table tbody .response-col_status').first();
      await answered.waitFor();
      expect((await answered.textContent())?.trim()).toBe('200');
      // Errors are documented beside the answers.
      await page.getByText('No credential, or not a valid one').first().waitFor();
      expect(refused).toEqual([]);
      await page.close();
    });
  },
);

describeWithBrowser('signing in to the screens through the identity provider', (executablePath) => {
  jest.setTimeout(60_000);
  const ISSUER = 'https://idp.test';
  const AUDIENCE = 'heard';
  let dir: string;
  let heard: RunningHeard;
  let provider: Server;
  let providerUrl: string;
  let browser: Browser;
  /** Codes the stand-in provider issued, with the PKCE challenge each must be redeemed with. */
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const redeemed: string[] = [];

  beforeAll(async () => {
    const signer = await generateKeyPair('RS256');
    // A stand-in for the organisation's identity provider: its user is signed in already, so
    // /authorize sends the browser straight back with a code; /token checks PKCE.
    provider = createServer((request, response) => {
      const url = new URL(request.url!, 'http://idp');
      if (url.pathname === '/authorize') {
        const code = randomUUID();
        codes.set(code, {
          challenge: url.searchParams.get('code_challenge')!,
          redirectUri: url.searchParams.get('redirect_uri')!,
        });
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state')!);
        response.writeHead(302, { location: back.toString() }).end();
        return;
      }
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        void (async () => {
          const form = new URLSearchParams(body);
          const issued = codes.get(form.get('code') ?? '');
          const proof = createHash('sha256')
            .update(form.get('code_verifier') ?? '')
            .digest('base64url');
          const headers = {
            'content-type': 'application/json',
            'access-control-allow-origin': heard.url,
          };
          if (
            !issued ||
            proof !== issued.challenge ||
            form.get('redirect_uri') !== issued.redirectUri
          ) {
            response.writeHead(400, headers).end(JSON.stringify({ error: 'invalid_grant' }));
            return;
          }
          codes.delete(form.get('code')!);
          redeemed.push(form.get('client_id')!);
          const token = await new SignJWT({ role: 'analyst' })
            .setProtectedHeader({ alg: 'RS256' })
            .setSubject('ana@example.com')
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime('10m')
            .sign(signer.privateKey);
          response
            .writeHead(200, headers)
            .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 600 }));
        })();
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    providerUrl = `http://127.0.0.1:${(provider.address() as { port: number }).port}`;
    dir = tempDataDir();
    heard = await startHeard(dir, {
      HEARD_JWT_PUBLIC_KEY: await exportSPKI(signer.publicKey),
      HEARD_JWT_ISSUER: ISSUER,
      HEARD_JWT_AUDIENCE: AUDIENCE,
      HEARD_OIDC_AUTHORIZE_URL: `${providerUrl}/authorize`,
      HEARD_OIDC_TOKEN_URL: `${providerUrl}/token`,
      HEARD_OIDC_CLIENT_ID: 'heard-screens',
    });
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await heard?.stop();
    provider?.close();
    removeDir(dir);
  });

  it("signs in with the organisation's account and shows what the token's role may see", async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${heard.url}/app/`);
    await page.getByRole('button', { name: "Sign in with your organisation's account" }).click();
    await page.getByText('ana@example.com (analyst)').waitFor();
    expect(redeemed).toEqual(['heard-screens']);
    // The code and state left the address bar; the analyst's screens are offered, not the agent's.
    await page.waitForURL(`${heard.url}/app/issues`);
    const nav = await page.getByRole('navigation', { name: 'Screens' }).innerText();
    expect(nav).toContain('KPIs and impact');
    expect(nav).not.toContain('Customers');
    // heard's CSP lets the page reach the provider's token endpoint, and only that origin.
    const csp = (await heard.call('GET', '/app/')).headers.get('content-security-policy');
    expect(csp).toContain(`connect-src 'self' ${providerUrl}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses a code that comes back with another state, and signs in nobody', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    await page.goto(`${heard.url}/app/`);
    await page.evaluate(
      `sessionStorage.setItem('heard.signIn', JSON.stringify({ verifier: 'v', state: 'sent', provider: { tokenUrl: '${providerUrl}/token', clientId: 'heard-screens' } }))`,
    );
    await page.goto(`${heard.url}/app/?code=forged&state=other`);
    await page.getByText('The sign-in came back with a state this tab did not send').waitFor();
    expect(await page.getByLabel('API key or identity-provider token').isVisible()).toBe(true);
    await page.close();
  });
});
