import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  distApps,
  removeDir,
  startHeard,
  tempDataDir,
  TEST_ADMIN_KEY,
  type RunningHeard,
} from '../support/heard-app';

/** `heard accounts import FILE.csv`, run as a user runs it, against a running heard. */
describe('heard accounts import', () => {
  jest.setTimeout(90_000);
  let dir: string;
  let heard: RunningHeard;
  const header = 'accountId,name,tier,annualRevenue,currency,ownerId,successManagerId';
  // Asynchronously: heard runs in this process and must answer meanwhile.
  const importFile = async (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    const child = spawn(
      process.execPath,
      [
        join(distApps, 'cli', 'src', 'main.js'),
        'accounts',
        'import',
        file,
        '--url',
        heard.url,
        '--admin-key',
        join(dir, 'test-admin.key'),
        '--batch',
        '2',
      ],
      { env: { ...process.env, HEARD_ADMIN_KEY: '' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { status, stdout, stderr };
  };

  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir);
    writeFileSync(join(dir, 'test-admin.key'), `${TEST_ADMIN_KEY}\n`);
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  it('defines every account of the file, and a second import of the same file writes nothing', async () => {
    const csv = [
      header,
      'acme,"Acme, Inc.",enterprise,120000,EUR,sam,kim',
      'globex,Globex,smb,50000,USD,sam,',
      'initech,Initech,smb,,,lee,',
    ].join('\n');
    const first = await importFile('crm.csv', csv);
    expect([first.status, first.stdout]).toEqual([
      0,
      expect.stringContaining('3 rows: 3 defined, 0 unchanged (imported before), 0 refused'),
    ]);
    const acme = await heard.get('/accounts/acme');
    expect(acme.body).toMatchObject({
      name: 'Acme, Inc.',
      tier: 'enterprise',
      annualRevenue: { amount: 120000, currency: 'EUR' },
      ownerId: 'sam',
      successManagerId: 'kim',
    });
    const again = await importFile('crm.csv', csv);
    expect(again.stdout).toContain('3 rows: 0 defined, 3 unchanged (imported before), 0 refused');
    const versions = (await heard.get('/accounts/acme')).body.version;
    expect(versions).toBe(acme.body.version);
  });

  it('names each refused row by its line and field, defines the others, and exits 1', async () => {
    const result = await importFile(
      'bad.csv',
      [
        header,
        'hooli,Hooli,smb,10000,euros,sam,',
        'umbrella,Umbrella,smb,-5,EUR,lee,',
        'wayne,Wayne,smb,1,EUR,sam,',
      ].join('\n'),
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('3 rows: 1 defined, 0 unchanged (imported before), 2 refused');
    expect(result.stdout).toMatch(/line 2 \(hooli\): .*currency/);
    expect(result.stdout).toMatch(/line 3 \(umbrella\): .*amount/);
    expect((await heard.get('/accounts/wayne')).status).toBe(200);
    expect((await heard.get('/accounts/hooli')).status).toBe(404);
  });

  it('refuses a file with a column it does not read, importing nothing', async () => {
    const result = await importFile(
      'columns.csv',
      'accountId,name,tier,ownerId,region\nstark,Stark,smb,sam,EU',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('column "region" is not one heard reads');
    expect(result.stderr).toContain('nothing was imported');
    expect((await heard.get('/accounts/stark')).status).toBe(404);
  });
});
