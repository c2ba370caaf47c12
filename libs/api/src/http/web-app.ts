import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import type { HeardConfig } from '@heard/config';
import type { Access } from '@heard/security';

/** Where `npm run build` puts the web app (apps/web/dist), from the source or the compiled file. */
const webAppDir = (): string | undefined =>
  [
    resolve(__dirname, '../../../../apps/web/dist'), // libs/api/src/http (ts-jest, ts-node)
    resolve(__dirname, '../../../../../apps/web/dist'), // dist/libs/api/src/http
  ].find((dir) => existsSync(join(dir, 'index.html')));

/**
 * A path @fastify/static refuses (`..`, dotfiles) is, to a prober, simply no such file: 404
 * as for any other, not the 403 that says something is there.
 */
const open = {
  config: { access: { kind: 'open' } satisfies Access },
  errorHandler: (error: { statusCode?: number }, _request: unknown, reply: FastifyReply) =>
    error.statusCode === 403
      ? reply.code(404).send({ statusCode: 404, error: 'not_found', message: 'No such file' })
      : reply.send(error),
};

/**
 * The screens at /app: static files anyone may load (they hold no data; every call they make
 * carries the signed-in key). Hashed assets are cached for good, the page itself never, so a
 * new build shows at the next load. Every path under /app is the app's own route (the
 * customer page, the case page): the page answers them all.
 */
export const installWebApp = async (app: NestFastifyApplication, config: HeardConfig) => {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/', open, (_request, reply) => reply.redirect('/app/'));
  // What the sign-in page offers: an identity provider's sign-in when configured (public:
  // a client id and the provider's endpoints, as any browser following the flow sees them).
  const signIn = config.auth.signIn;
  fastify.get('/app/config.json', open, (_request, reply) =>
    reply.header('cache-control', 'no-cache').send({ identityProvider: signIn ?? null }),
  );
  const root = webAppDir();
  if (!root) {
    const notBuilt = (_request: unknown, reply: FastifyReply) =>
      reply.code(404).send({
        statusCode: 404,
        error: 'web_app_not_built',
        message:
          'The screens are not built: run `npm run build` (npm start does), then reload. The API answers as usual.',
      });
    fastify.get('/app', open, notBuilt);
    fastify.get('/app/*', open, notBuilt);
    return;
  }
  await app.register(fastifyStatic, { root, serve: false });
  const page = (_request: unknown, reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html');
  fastify.get('/app', open, page);
  fastify.get('/app/*', open, page);
  fastify.get<{ Params: { '*': string } }>('/app/assets/*', open, (request, reply) =>
    reply.sendFile(`assets/${request.params['*']}`, { immutable: true, maxAge: '365d' }),
  );
};
