import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { withAnswerSchemas } from './answer-docs';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type DynamicModule, type LogLevel } from '@nestjs/common';
import { batchBodyLimitOf, startIdleCollection, type HeardConfig } from '@heard/config';
import helmet from 'helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import { Authenticator } from '@heard/security';
import { installAccessControl } from './access-control';
import { RateLimited } from './errors';
import { Metrics } from '@heard/ops';
import { ErrorFilter } from './error.filter';
import { installWebApp } from './web-app';
import { clientErrorHandler, frameworkErrorHandler, installHttpGuards } from './http-guards';
import { TurnBudget } from './turn-budget';
import { HeardLogger } from './heard-logger';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const nestLogLevels = (level: HeardConfig['logLevel']): LogLevel[] => {
  const cut = { silent: 0, fatal: 1, error: 2, warn: 3, info: 4, debug: 5, trace: 6 }[level];
  return LEVELS.slice(0, cut);
};

/** What an instance without the api role answers on its port: health and metrics only. */
const OPS_ROUTES = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

const isOpsUrl = (url: string) => OPS_ROUTES.has(url.split('?')[0]!);

/**
 * Security headers (helmet), CORS from HEARD_CORS_ORIGINS only, and a rate limit per
 * credential (per address without one), answering 429 with Retry-After. Registered before
 * the routes, so that each route gets their hooks.
 */
const installProtections = async (app: NestFastifyApplication, config: HeardConfig) => {
  // Built once: @fastify/helmet rebuilt helmet's middleware (and parsed its policy) on every
  // request, about 4% of a durable command's time on the API thread.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      // The OpenAPI page (/docs) and the screens' charts style themselves inline, /docs shows
      // data: images; nothing loads from elsewhere. heard speaks plain HTTP (TLS is a proxy's
      // job): asking browsers to upgrade its assets to https would break /app on a LAN address.
      directives: {
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'upgrade-insecure-requests': null,
        // The screens fetch their token from the identity provider's token endpoint.
        ...(config.auth.signIn
          ? { 'connect-src': ["'self'", new URL(config.auth.signIn.tokenUrl).origin] }
          : {}),
      },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
    });
  await app.register(cors, {
    origin: config.auth.corsOrigins.length > 0 ? config.auth.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'Idempotency-Key',
      'X-Correlation-Id',
      'X-Actor-Id',
    ],
    exposedHeaders: ['Idempotent-Replayed', 'Retry-After'],
    maxAge: 600,
  });
  if (config.auth.rateLimitPerMinute > 0)
    await app.register(rateLimit, {
      max: config.auth.rateLimitPerMinute,
      timeWindow: 60_000,
      // After authentication (onRequest): the caller is known, and counted as itself.
      hook: 'preHandler',
      keyGenerator: (request) =>
        request.principal ? `${request.principal.credential}:${request.principal.id}` : request.ip,
      allowList: (request) => isOpsUrl(request.url),
      // Thrown by the plugin: heard's error body says it (429, rate_limited).
      errorResponseBuilder: (_request, context) =>
        new RateLimited(context.max, Math.ceil(context.ttl / 1000)),
    });
};

/** What a tracker's webhook delivery may weigh, whatever HEARD_BODY_LIMIT says. */
const WEBHOOK_BODY_LIMIT = 1 << 20;

/**
 * heard's HTTP app on Fastify, around the root module of the process (made with the turn
 * budget of the HTTP guards): its guards, access control, protections, screens, error
 * body, request metrics and OpenAPI document. One factory for `npm start`, the tests and the
 * benchmark, so that what is tested is what runs.
 */
export const createHttpApp = async (
  config: HeardConfig,
  rootModule: (turns: TurnBudget) => DynamicModule,
  options: { logs?: boolean } = {},
) => {
  // Request logs, when asked for, come from Fastify's own pino logger: off by default, since
  // per-request logging cost a third of the request rate here (see the bench); /metrics counts requests.
  const adapter = new FastifyAdapter({
    bodyLimit: batchBodyLimitOf(config.bodyLimitBytes),
    logger: config.httpLog ? { level: config.logLevel === 'silent' ? 'silent' : 'info' } : false,
    // A body trickled byte by byte is cut (408) instead of holding a connection forever.
    requestTimeout: config.requestTimeoutMs,
    // Only the proxies named: anyone else could write X-Forwarded-For and pick an address.
    ...(config.auth.trustProxy.length > 0 ? { trustProxy: config.auth.trustProxy } : {}),
    // Node checks those timeouts every 30 s by default: a slow body would live up to twice as long.
    http: { connectionsCheckingInterval: 1000, headersTimeout: config.requestTimeoutMs },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRoute', (route) => {
    // A tracker's payload is its own (a Jira issue with its fields runs to hundreds of KB).
    if (route.url.startsWith('/webhooks/'))
      route.bodyLimit = Math.max(config.bodyLimitBytes, WEBHOOK_BODY_LIMIT);
    else if (route.url !== '/commands') route.bodyLimit = config.bodyLimitBytes;
  });
  // Requests and the batch route's items start a little per turn of the event loop.
  const turns = new TurnBudget();
  const shedding = installHttpGuards(fastify, config, turns);
  if (!config.roles.includes('api'))
    fastify.addHook('onRequest', (request, reply, done) => {
      if (isOpsUrl(request.url)) return done();
      void reply.code(404).send({
        statusCode: 404,
        error: 'not_served_here',
        message: `This instance runs HEARD_ROLES=${config.roles.join(',')}: the API is served by the instances with the api role. Health and metrics answer here.`,
      });
    });

  // The app's own authenticator is made with its read store, by Nest, after the hooks are in.
  const made: { authenticator?: Authenticator } = {};
  installAccessControl(fastify, config, () => made.authenticator!);

  const app = await NestFactory.create<NestFastifyApplication>(rootModule(turns), adapter, {
    // Let start-up errors (a broker that does not answer) reach main, which names them.
    abortOnError: false,
    // Our own JSON parser above accepts an empty body.
    bodyParser: false,
    logger:
      options.logs === false
        ? false
        : new HeardLogger({ json: true, logLevels: nestLogLevels(config.logLevel) }),
  });
  made.authenticator = app.get(Authenticator);
  await installProtections(app, config);
  if (config.roles.includes('api')) await installWebApp(app, config);
  app.useGlobalFilters(new ErrorFilter());
  const metrics = app.get(Metrics);
  metrics.loadShedding(shedding);
  // Memory taken by a burst goes back to the system once heard is quiet again.
  const idle = startIdleCollection(() => shedding.lastAdmittedAt);
  fastify.addHook('onClose', (_instance, done) => {
    idle.stop();
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
    });
    done();
  });
  const document = withAnswerSchemas(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('heard')
        .setDescription('Event-sourced complaint-to-resolution pipeline: commands, queries and ops')
        .setVersion('0.1.0')
        // "Authorize" in /docs takes the key (data/admin.key, or one from `heard keys create`)
        // or a JWT, and "Try it out" sends it.
        .addBearerAuth(
          {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'API key or JWT',
            description: 'An API key (heard_…) or a JWT from the identity provider',
          },
          'bearer',
        )
        .addSecurityRequirements('bearer')
        .build(),
    ),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  app.enableShutdownHooks();
  return app;
};
