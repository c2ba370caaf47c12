/**
 * Probes /health/live every 100 ms from its own process, so that what it measures is heard's
 * event loop, not the load generator's; sends its slowest answer (ms) when told to stop.
 */
const url = process.argv[2]!;
let slowest = 0;
let running = true;
process.on('message', () => (running = false));
void (async () => {
  while (running) {
    const t0 = performance.now();
    await fetch(`${url}/health/live`).catch(() => undefined);
    slowest = Math.max(slowest, performance.now() - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
  process.send!(slowest, () => process.exit(0));
})();
