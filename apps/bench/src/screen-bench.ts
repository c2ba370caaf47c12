import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { percentile, round } from './workload';

export interface ScreenFigures {
  /** The app's JavaScript as served, gzipped (what a browser downloads). */
  jsGzipKb: number;
  /** From navigating to /app/customers/:id to its summary and first timeline page shown. */
  customerScreen?: {
    loads: number;
    firstMs: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
  };
  /** Why the browser part did not run, when it did not. */
  skipped?: string;
}

const WEB_DIST = resolve(__dirname, '../../../../apps/web/dist');

/** Debian's Chromium (apt-get install -y chromium), or the browser HEARD_CHROMIUM names. */
export const chromiumPath = (): string | undefined =>
  [
    process.env.HEARD_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].find((path): path is string => !!path && existsSync(path));

export const webAppJsGzipKb = (): number => {
  const assets = join(WEB_DIST, 'assets');
  if (!existsSync(assets)) throw new Error(`The web app is not built (${assets}): npm run build`);
  const bytes = readdirSync(assets)
    .filter((file) => file.endsWith('.js'))
    .reduce((sum, file) => sum + gzipSync(readFileSync(join(assets, file))).length, 0);
  return round(bytes / 1024, 1);
};

/**
 * The agent's customer screen in headless Chromium against a heard holding the big store:
 * each load is a fresh navigation (the page, its scripts, /me, the timeline and the
 * follow-ups), timed until the summary and the newest timeline entry are on screen.
 */
export const screenBench = async (
  url: string,
  apiKey: string,
  customerIds: string[],
): Promise<ScreenFigures> => {
  const jsGzipKb = webAppJsGzipKb();
  const executablePath = chromiumPath();
  if (!executablePath) return { jsGzipKb, skipped: 'no Chromium: apt-get install -y chromium' };
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}/app/`);
    await page.evaluate(`sessionStorage.setItem('heard.apiKey', ${JSON.stringify(apiKey)})`);
    const timings: number[] = [];
    for (const customerId of customerIds) {
      const started = performance.now();
      await page.goto(`${url}/app/customers/${customerId}`);
      await page.getByRole('region', { name: 'What we already know' }).waitFor();
      await page
        .getByRole('region', { name: 'Timeline, newest first' })
        .locator('li')
        .first()
        .waitFor();
      timings.push(performance.now() - started);
    }
    const first = timings[0]!;
    timings.sort((a, b) => a - b);
    return {
      jsGzipKb,
      customerScreen: {
        loads: timings.length,
        firstMs: round(first, 1),
        p50Ms: round(percentile(timings, 50), 1),
        p99Ms: round(percentile(timings, 99), 1),
        maxMs: round(timings[timings.length - 1]!, 1),
      },
    };
  } finally {
    await browser.close();
  }
};
