import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
}

export interface HotFunction {
  function: string;
  where: string;
  selfPercent: number;
}

/** Where a V8 CPU profile spent its samples: the functions with the most self time. */
export const hottest = (file: string, top = 15): HotFunction[] => {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byFrame = new Map<string, { function: string; where: string; hits: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}`
      : '(native)';
    const key = `${functionName}@${where}`;
    const entry = byFrame.get(key) ?? { function: functionName || '(anonymous)', where, hits: 0 };
    entry.hits += hits;
    byFrame.set(key, entry);
  }
  return [...byFrame.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, top)
    .map((e) => ({
      function: e.function,
      where: e.where,
      selfPercent: Math.round((1000 * e.hits) / Math.max(1, total)) / 10,
    }));
};

/** The hottest functions of each profile in `dir`, by file name. */
export const summariseProfiles = (dir: string, top = 15): Record<string, HotFunction[]> =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()
      .map((f) => [f, hottest(join(dir, f), top)]),
  );
