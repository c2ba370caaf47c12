import type { ChildServer } from './child-server';
import { startProbe } from './overload-bench';
import { JSON_HEADERS, log, round } from './workload';

/** What eight candidate-issue reports at once do to /health/live (ms). */
export interface ReportsUnderLoad {
  cases: number;
  concurrentReports: number;
  /** Each report's own time, slowest first to finish last. */
  reportMsMax: number;
  reportMsMin: number;
  /** The slowest /health/live on the API's port, over one kept-alive connection. */
  slowestLiveMs: number;
}

/**
 * Eight GET /reports/candidate-issues at once, as a product team's dashboards refreshing
 * together, while a probe in its own process asks /health/live every 100 ms: the reports run
 * in the report thread, so the probe should not wait behind them.
 */
export const reportsUnderLoad = async (
  heard: ChildServer,
  cases: number,
  concurrentReports = 8,
): Promise<ReportsUnderLoad> => {
  const probe = startProbe(heard.url, 'keep-alive');
  try {
    await new Promise((r) => setTimeout(r, 500));
    const times = await Promise.all(
      Array.from({ length: concurrentReports }, async () => {
        const t0 = performance.now();
        const response = await fetch(`${heard.url}/reports/candidate-issues`, {
          headers: JSON_HEADERS,
        });
        await response.text();
        if (response.status !== 200)
          throw new Error(`GET /reports/candidate-issues answered ${response.status}`);
        return performance.now() - t0;
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const result = {
      cases,
      concurrentReports,
      reportMsMax: round(Math.max(...times)),
      reportMsMin: round(Math.min(...times)),
      slowestLiveMs: await probe.stop(),
    };
    log(
      `  ${concurrentReports} candidate-issue reports at once at ${cases} cases: ${result.reportMsMin} to ${result.reportMsMax} ms each; slowest /health/live meanwhile ${result.slowestLiveMs} ms`,
    );
    return result;
  } finally {
    probe.kill();
  }
};
