import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HeardConfig, OpsAccess } from '@heard/config';
import { Forbidden } from '@heard/commands';
import {
  admittedRoles,
  TooManyFailedChecks,
  seesPseudonyms,
  type Pseudonyms,
  holdsOneOf,
  InvalidCredential,
  rolesAccess,
  type Access,
  type AccessRole,
  type Authenticator,
  type Principal,
} from '@heard/security';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller its credential proves; set before the route runs on every non-open route. */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Who the route admits; every route has one (see installAccessControl). */
    access?: Access;
  }
}

/** The route admits callers holding one of these roles (admin always). */
export const Allow = (...roles: AccessRole[]) => RouteConfig({ access: rolesAccess(...roles) });
/** The route answers anyone (liveness and readiness probes); its OpenAPI entry needs no key. */
export const OpenRoute = () =>
  applyDecorators(
    RouteConfig({ access: { kind: 'open' } satisfies Access }),
    ApiOperation({ security: [] }, { overrideExisting: false }),
  );
/** The route follows HEARD_METRICS_ACCESS (health details, metrics). */
export const OpsRoute = () => RouteConfig({ access: { kind: 'ops' } satisfies Access });

/** The caller, in a controller. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw new Error('A route that reads its caller must admit roles, not anyone');
  return principal;
});

/** A customer-level answer as the caller may see it: pseudonyms for an analyst not granted ids. */
export const shownTo = <T>(caller: Principal, pseudonyms: Pseudonyms, answer: T): T =>
  seesPseudonyms(caller) ? pseudonyms.apply(answer) : answer;

/** A filter by customer would confirm a guessed id to a caller who sees pseudonyms. */
export const refuseCustomerFilters = (
  caller: Principal,
  query: Record<string, unknown>,
  names: string[],
) => {
  const given = names.filter((name) => query[name] !== undefined);
  if (seesPseudonyms(caller) && given.length > 0)
    throw new Forbidden(
      `${given.join(', ')}: filtering by customer needs a key granted customer ids (seesCustomerIds); ${caller.id} sees pseudonyms`,
    );
};

export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

const routeLists = new WeakMap<FastifyInstance, RouteAccess[]>();

/** Every route the app serves, with its access rule: what the role matrix test walks. */
export const routeAccessList = (fastify: FastifyInstance): RouteAccess[] =>
  routeLists.get(fastify) ?? [];

export class RouteWithoutAccess extends Error {
  override readonly name = 'RouteWithoutAccess';
  constructor(method: string, url: string) {
    super(
      `${method} ${url} has no access rule: give it @Allow(...roles), @OpenRoute() or @OpsRoute(), so that no route ships open`,
    );
  }
}

const isLoopbackAddress = (address: string | undefined) =>
  !!address &&
  (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));

const refuse = (
  reply: FastifyReply,
  status: 401 | 403 | 429,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
) => reply.code(status).send({ statusCode: status, error, message, ...extra });

/**
 * Authentication and authorisation on Fastify itself, before a body is read: every route
 * carries an access rule in its route config (a route without one stops the start), and the
 * caller its credential proves goes on the request for the route to record as the actor.
 */
export const installAccessControl = (
  fastify: FastifyInstance,
  config: HeardConfig,
  /** Resolved at the first request: the app's own, made with its read store after this is installed. */
  authenticator: () => Authenticator,
) => {
  const routes: RouteAccess[] = [];
  routeLists.set(fastify, routes);
  fastify.decorateRequest('principal', undefined);

  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let access = route.config?.access;
    // Routes heard does not declare itself: the OpenAPI pages, and CORS preflights (which by
    // the Fetch standard carry no credentials).
    if (!access && /^\/docs([-/.]|$)/.test(route.url)) access = { kind: 'docs' };
    if (!access && methods.every((m) => m === 'OPTIONS')) access = { kind: 'open' };
    if (!access) throw new RouteWithoutAccess(methods.join(','), route.url);
    route.config = { ...(route.config ?? {}), access };
    for (const method of methods) routes.push({ method, url: route.url, access });
  });

  const opsRule = (access: Access): OpsAccess | undefined =>
    access.kind === 'ops'
      ? config.auth.metricsAccess
      : access.kind === 'docs'
        ? config.auth.docsAccess
        : undefined;

  fastify.addHook('onRequest', async (request, reply) => {
    // No access rule: no such route. Any caller with a credential hears 404, anonymous ones 401.
    const declared = request.routeOptions.config?.access;
    const access: Access = declared ?? { kind: 'roles', roles: [] };
    if (access.kind === 'open') return;
    const rule = opsRule(access);
    if (rule?.kind === 'open') return;
    if (rule?.kind === 'loopback' && isLoopbackAddress(request.socket.remoteAddress)) return;

    let principal: Principal | undefined;
    try {
      principal = await authenticator().authenticate(request.headers.authorization);
    } catch (error) {
      if (error instanceof TooManyFailedChecks) {
        void reply.header('retry-after', String(error.retryAfterSeconds));
        return refuse(reply, 429, 'too_many_failed_credentials', error.message);
      }
      if (!(error instanceof InvalidCredential)) throw error;
      void reply.header(
        'www-authenticate',
        `Bearer realm="heard", error="invalid_token", error_description="${error.message}"`,
      );
      return refuse(
        reply,
        401,
        'invalid_credential',
        `The credential was refused: ${error.message}`,
      );
    }
    if (!principal) {
      void reply.header('www-authenticate', 'Bearer realm="heard"');
      return refuse(
        reply,
        401,
        'unauthenticated',
        'Send Authorization: Bearer <API key or JWT> (see docs/access-and-erasure.md)',
      );
    }
    request.principal = principal;
    if (!declared) return;
    const roles = access.kind === 'roles' ? access.roles : rule?.kind === 'roles' ? rule.roles : [];
    const admitted = admittedRoles({ kind: 'roles', roles });
    if (!holdsOneOf(principal, admitted))
      return refuse(
        reply,
        403,
        'forbidden',
        `${request.method} ${request.routeOptions.url ?? request.url} needs the role ${admitted.join(' or ')}; ${principal.id} has ${principal.roles.join(', ') || 'no heard role'}`,
        { requiredRoles: admitted },
      );
  });
};
