import { chromiumPath } from '../../apps/bench/src/screen-bench';
import { describeWithService } from './service-suite';

/** A browser suite: in real headless Chromium, skipped with the reason, failed in CI without it. */
export const describeWithBrowser = (name: string, suite: (executablePath: string) => void) => {
  const path = chromiumPath();
  describeWithService(
    'Chromium',
    name,
    path ? { value: path, shown: path } : undefined,
    'no Chromium found: apt-get install -y chromium (.ci/run does), or set HEARD_CHROMIUM to a Chromium or Chrome binary',
    suite,
    '',
  );
};
