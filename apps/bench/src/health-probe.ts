import { Agent, get } from 'node:http';

/**
 * Probes `${url}/health/live` every 100 ms from its own process, so that what it measures is
 * heard, not the load generator; sends its slowest answer (ms) when told to stop. With
 * `new-connection` each probe opens its own connection, as Kubernetes' HTTP probes do, so
 * the time to be accepted counts too.
 */
const [url, mode] = process.argv.slice(2) as [string, 'keep-alive' | 'new-connection'];
const agent = mode === 'keep-alive' ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
const probe = () =>
  new Promise<void>((resolve) => {
    const request = get(`${url}/health/live`, { agent }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    request.on('error', () => resolve());
  });

let slowest = 0;
let running = true;
process.on('message', () => (running = false));
void (async () => {
  while (running) {
    const t0 = performance.now();
    await probe();
    slowest = Math.max(slowest, performance.now() - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
  process.send!(slowest, () => process.exit(0));
})();
