import { existsSync } from 'node:fs';
import { describeWithService } from './service-suite';

/** Debian's Chromium (apt-get install -y chromium), or the browser HEARD_TEST_CHROMIUM names. */
export const chromiumPath = (): string | undefined =>
  [
    process.env.HEARD_TEST_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].find((path): path is string => !!path && existsSync(path));

/** A browser suite: in real headless Chromium, skipped with the reason, failed in CI without it. */
export const describeWithBrowser = (name: string, suite: (executablePath: string) => void) => {
  const path = chromiumPath();
  describeWithService(
    'Chromium',
    name,
    path ? { value: path, shown: path } : undefined,
    'no Chromium found: apt-get install -y chromium (.ci/run does), or set HEARD_TEST_CHROMIUM to a Chromium or Chrome binary',
    suite,
    '',
  );
};
