import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';

// The command that docs/adding-a-command.md walks through, end to end over HTTP.
describe('a note on a case', () => {
  jest.setTimeout(60_000);
  let dir: string;
  let heard: RunningHeard;
  const NOTE = 'Prefers email after 5 pm; call only if urgent';

  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir);
    const opened = await heard.post('/cases', {
      caseId: 'noted-1',
      customerId: 'cust-noted',
      channel: 'chat',
      category: 'billing',
      summary: 'Charged twice',
    });
    expect(opened.status).toBe(201);
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  it('is recorded, shown on the customer’s timeline, and stored sealed', async () => {
    const noted = await heard.post('/cases/noted-1/notes', { agentId: 'ana', note: NOTE });
    expect([noted.status, noted.body.events]).toEqual([201, ['CaseNoted']]);
    const timeline = await heard.get(
      `/customers/cust-noted/timeline?minPosition=${noted.body.position}`,
    );
    expect(timeline.body.entries[0]).toMatchObject({
      type: 'CaseNoted',
      headline: `Note by ana: ${NOTE}`,
    });
    await heard.stop();
    expect(readFileSync(join(dir, 'events.db')).includes(NOTE)).toBe(false);
    heard = await startHeard(dir);
  });

  it('is refused without its text, naming the field, and on a case that does not exist', async () => {
    const empty = await heard.post('/cases/noted-1/notes', { agentId: 'ana' });
    expect([empty.status, empty.body.fields.map((f: { field: string }) => f.field)]).toEqual([
      400,
      ['note'],
    ]);
    const nowhere = await heard.post('/cases/nowhere/notes', { agentId: 'ana', note: NOTE });
    expect([nowhere.status, nowhere.body.error]).toEqual([404, 'case.not_found']);
  });
});
