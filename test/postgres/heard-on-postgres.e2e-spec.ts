import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, startHeard, tempDataDir } from '../support/heard-app';
import { describeWithPostgres, dropSchema, uniqueSchema } from '../support/postgres';

const dist = join(__dirname, '..', '..', 'dist', 'apps');
const POSITION = /^\d{20}:\d{19}$/;

describeWithPostgres('heard on PostgreSQL', (url) => {
  jest.setTimeout(60_000);

  it.each([
    ['the event store', ['HEARD_EVENT_STORE']],
    ['both stores', ['HEARD_EVENT_STORE', 'HEARD_READ_STORE']],
  ])(
    'with %s on it: serves a story, keeps it across a restart, and its read models follow',
    async (_, settings) => {
      const schema = uniqueSchema();
      const location = new URL(url);
      location.searchParams.set('schema', schema);
      const env = Object.fromEntries(settings.map((s) => [s, location.toString()]));
      const dir = tempDataDir();
      try {
        let heard = await startHeard(dir, env);
        const opened = await heard.post('/cases', {
          caseId: 'pg-1',
          customerId: 'cust-pg',
          channel: 'phone',
          category: 'billing',
          summary: 'Charged twice',
        });
        expect(opened.status).toBe(201);
        expect(opened.body.position).toMatch(POSITION);
        const contact = await heard.post('/cases/pg-1/contacts', {
          channel: 'email',
          direction: 'inbound',
          agentId: 'ana',
          note: 'Sent the statement',
        });
        expect(contact.status).toBe(201);
        expect(contact.body.position > opened.body.position).toBe(true);
        const view = await heard.get(`/cases/pg-1?minPosition=${contact.body.position}`);
        expect(view.status).toBe(200);
        expect(view.headers.get('x-heard-stale')).toBeNull();
        expect(view.body).toMatchObject({ caseId: 'pg-1', status: 'open' });
        const trail = await heard.get('/cases/pg-1/events');
        expect(trail.body.events.map((e: { type: string }) => e.type)).toEqual([
          'CaseOpened',
          'ContactLogged',
        ]);
        await heard.stop();
        // The events (and the read models, when asked) went to PostgreSQL, not to the data folder.
        expect(existsSync(join(dir, 'events.db'))).toBe(false);
        expect(existsSync(join(dir, 'read-models.db'))).toBe(
          !settings.includes('HEARD_READ_STORE'),
        );

        heard = await startHeard(dir, env);
        const again = await heard.post('/cases/pg-1/contacts', {
          channel: 'phone',
          direction: 'outbound',
          agentId: 'ana',
          note: 'Called back',
        });
        expect(again.status).toBe(201);
        const timeline = await heard.get(
          `/customers/cust-pg/timeline?minPosition=${again.body.position}`,
        );
        expect(timeline.body.entries.map((e: { type: string }) => e.type)).toEqual([
          'ContactLogged',
          'ContactLogged',
          'CaseOpened',
        ]);
        await heard.stop();
      } finally {
        removeDir(dir);
        await dropSchema(url, schema);
      }
    },
  );

  it('refuses to start when the server does not answer, naming the setting and not the password', () => {
    const dir = tempDataDir();
    try {
      const start = spawnSync(process.execPath, [join(dist, 'heard', 'src', 'main.js')], {
        env: {
          ...process.env,
          HEARD_DATA_DIR: dir,
          PORT: '0',
          HEARD_EVENT_STORE: 'postgres://heard:s3cret@127.0.0.1:1/nowhere',
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(start.status).toBe(1);
      expect(start.stderr).toContain('heard cannot start');
      expect(start.stderr).toContain(
        'HEARD_EVENT_STORE: postgres at 127.0.0.1:1/nowhere does not answer',
      );
      expect(start.stderr + start.stdout).not.toContain('s3cret');
    } finally {
      removeDir(dir);
    }
  });
});
