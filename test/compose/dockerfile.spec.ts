import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Dockerfile's stages, each with its instructions (continuation lines joined). */
const stages = () => {
  const text = readFileSync(join(__dirname, '..', '..', 'Dockerfile'), 'utf8');
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const found: Array<{ from: string; name?: string; lines: string[] }> = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) found.push({ from: from[1]!, name: from[2], lines: [] });
    else found.at(-1)!.lines.push(line);
  }
  return found;
};

describe('the image', () => {
  const all = stages();
  const last = all.at(-1)!;

  it('runs heard as a user other than root', () => {
    const users = last.lines.filter((l) => /^USER\s/i.test(l));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|$)/i);
  });

  it('says when it is unhealthy, by asking /health/live', () => {
    expect(last.lines.find((l) => /^HEALTHCHECK\s/i.test(l))).toMatch(/\/health\/live/);
  });

  it('ships only the production dependencies', () => {
    const copied = last.lines.find((l) => /^COPY\s.*node_modules/i.test(l))!;
    const source = /--from=(\S+)/.exec(copied)![1];
    const stage = all.find((s) => s.name === source)!;
    const installs = stage.lines.filter((l) => /npm (ci|install)/.test(l));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/--omit=dev/);
  });
});
