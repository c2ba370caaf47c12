import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { HeardConfig } from '@heard/config';
import { HeardModule } from '../heard.module';
import { Metrics } from '../ops/metrics';
import { ErrorFilter } from './error.filter';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const nestLogLevels = (level: HeardConfig['logLevel']): LogLevel[] => {
  const cut = { silent: 0, fatal: 1, error: 2, warn: 3, info: 4, debug: 5, trace: 6 }[level];
  return LEVELS.slice(0, cut);
};

/** The batch route takes many commands at once; each command is still held to the single limit. */
const batchBodyLimit = (config: HeardConfig) => Math.max(config.bodyLimitBytes, 1 << 20) * 16;

/**
 * Builds the heard HTTP app on Fastify: one factory for `npm start`, the tests and the
 * benchmark, so that what is tested is what runs.
 */
export const createHeardApp = async (config: HeardConfig, options: { logs?: boolean } = {}) => {
  // Request logs, when asked for, come from Fastify's own pino logger: off by default, since
  // per-request logging cost a third of the request rate here (see the bench); /metrics counts requests.
  const adapter = new FastifyAdapter({
    bodyLimit: batchBodyLimit(config),
    logger: config.httpLog ? { level: config.logLevel === 'silent' ? 'silent' : 'info' } : false,
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRoute', (route) => {
    if (route.url !== '/commands') route.bodyLimit = config.bodyLimitBytes;
  });
  // An empty JSON body is an empty command body (e.g. a confirmation without a note).
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      const parseError = error as Error & { statusCode?: number; code?: string };
      parseError.statusCode = 400;
      parseError.code = 'FST_ERR_CTP_INVALID_JSON';
      done(parseError, undefined);
    }
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    HeardModule.forRoot(config),
    adapter,
    {
      // Let start-up errors (a broker that does not answer) reach main, which names them.
      abortOnError: false,
      // Our own JSON parser above accepts an empty body.
      bodyParser: false,
      logger:
        options.logs === false
          ? false
          : new ConsoleLogger({ json: true, logLevels: nestLogLevels(config.logLevel) }),
    },
  );
  app.useGlobalFilters(new ErrorFilter());
  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
    });
    done();
  });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('heard')
      .setDescription('Event-sourced complaint-to-resolution pipeline: commands, queries and ops')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  app.enableShutdownHooks();
  return app;
};
