import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import type { ErrorBody } from '@heard/commands';
import { HealthWatch } from '@heard/ops';
import { Metrics } from '@heard/ops';

const send = (res: ServerResponse, status: number, contentType: string, body: string) => {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
};
const sendJson = (res: ServerResponse, status: number, body: object) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));

/**
 * /health, /health/live, /health/ready and /metrics on HEARD_OPS_PORT, when it is set: the
 * same answers as on the API's port, from a listener of their own. Node accepts one new
 * connection per turn of the event loop on each port, so during a burst of new API
 * connections a probe that opens its own (as Kubernetes' does) would wait behind them there.
 * Plain node:http: nothing here needs routing, validation or a body. It asks for no
 * credential (HEARD_METRICS_ACCESS is for the API's port): give it a network that only the
 * infrastructure (probes, Prometheus) reaches.
 */
@Injectable()
export class OpsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ops');
  private server?: Server;

  constructor(
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
    private readonly watch: HealthWatch,
    private readonly metrics: Metrics,
  ) {}

  /** The port it listens on (the one the OS chose when HEARD_OPS_PORT=0), if any. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.opsPort === undefined) return;
    const server = createServer((req, res) => {
      this.answer(req, res).catch((error: unknown) => {
        this.logger.error(`ops answer failed: ${String(error)}`);
        if (!res.headersSent)
          sendJson(res, 500, {
            statusCode: 500,
            error: 'internal',
            message: 'The ops listener failed',
          } satisfies ErrorBody);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.opsPort, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`health and metrics also on port ${this.port}`);
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, {
        statusCode: 405,
        error: 'method_not_allowed',
        message: 'The ops port answers GET only',
      } satisfies ErrorBody);
    switch (path) {
      case '/health/live':
        return sendJson(res, 200, { status: 'ok' });
      case '/health':
        return sendJson(res, 200, await this.watch.report());
      case '/health/ready': {
        const { status, degraded } = await this.watch.report();
        return sendJson(res, status === 'ok' ? 200 : 503, { status, degraded });
      }
      case '/metrics':
        return send(
          res,
          200,
          this.metrics.registry.contentType,
          await this.metrics.registry.metrics(),
        );
      default:
        return sendJson(res, 404, {
          statusCode: 404,
          error: 'not_found',
          message: `The ops port serves /health, /health/live, /health/ready and /metrics, not ${path.slice(0, 200)}`,
        } satisfies ErrorBody);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
