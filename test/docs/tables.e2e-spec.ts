import { join } from 'node:path';
import { routeAccessList, type RouteAccess } from '@heard/api';
import { COMMANDS } from '@heard/commands';
import { ACCESS_ROLES, admittedRoles, type AccessRole } from '@heard/security';
import { answerSchemas, answerSchemasSource, webApiTypes } from '../support/answer-schemas';
import { expectGenerated, expectGeneratedBetween } from '../support/generated-docs';
import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';

/**
 * The docs' table of commands comes from the command catalogue (routes, roles, notes) and
 * heard's own OpenAPI document (each body's fields, which are optional, their values): this
 * test fails when docs/http-api.md says otherwise, and `npm run docs:tables` rewrites it.
 */
const ROOT = join(__dirname, '..', '..');
const DOC = join(ROOT, 'docs', 'http-api.md');
const ACCESS_DOC = join(ROOT, 'docs', 'access-and-erasure.md');
const WEB_ROUTE_ROLES = join(ROOT, 'apps', 'web', 'src', 'generated', 'route-roles.ts');
const WEB_API_TYPES = join(ROOT, 'apps', 'web', 'src', 'generated', 'heard-api.ts');
const ANSWER_SCHEMAS = join(ROOT, 'libs', 'api', 'src', 'http', 'answer-schemas.generated.ts');
/** Routes that answer something other than JSON: Prometheus text, or only a status. */
const NOT_JSON = new Set(['GET /metrics', 'GET /health/live', 'GET /health/ready']);
const BEGIN =
  '<!-- Generated from the command catalogue and the OpenAPI document by npm run docs:tables: edit those, not this table. -->';

interface Schema {
  properties?: Record<string, { enum?: unknown[] }>;
  required?: string[];
}
interface Operation {
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface OpenApi {
  paths: Record<string, { post?: Operation; put?: Operation }>;
  components: { schemas: Record<string, Schema> };
}

const commandsTable = (openapi: OpenApi): string => {
  const rows = COMMANDS.map((spec) => {
    const path = `/${spec.route.replace(/:(\w+)/g, '{$1}')}`;
    const method = spec.method === 'PUT' ? 'put' : 'post';
    const ref =
      openapi.paths[path]?.[method]?.requestBody?.content['application/json']?.schema.$ref;
    if (!ref) throw new Error(`The OpenAPI document has no body for ${spec.method} ${path}`);
    const schema = openapi.components.schemas[ref.split('/').pop()!]!;
    const fields = Object.entries(schema.properties ?? {})
      .filter(([name]) => name !== 'commandId')
      .map(
        ([name, property]) =>
          `${name}${schema.required?.includes(name) ? '' : '?'}${
            property.enum ? ` (${property.enum.map((v) => `\`${String(v)}\``).join(', ')})` : ''
          }`,
      );
    const body = [fields.join(', ') || '(none)', spec.note].filter(Boolean).join('; ');
    const roles = admittedRoles({ kind: 'roles', roles: spec.allow }).join(', ');
    return `| \`${spec.method} /${spec.route}\` | ${body} | ${roles} |`;
  });
  return ['| route | body (`?` optional) | roles |', '| --- | --- | --- |', ...rows].join('\n');
};

/**
 * heard's own routes, in the order served: not the HEAD routes Fastify adds to GETs, nor the
 * OpenAPI pages, nor the screens' files (open to anyone, and served only once they are built).
 */
const servedRoutes = (heard: RunningHeard): RouteAccess[] =>
  routeAccessList(heard.app.getHttpAdapter().getInstance()).filter(
    (route) =>
      route.method !== 'HEAD' &&
      route.method !== 'OPTIONS' &&
      !/^\/(docs|app)?([/.-]|$)/.test(route.url),
  );

const ROLE_BEGIN =
  "<!-- Generated from the routes' access rules by npm run docs:tables: edit those, not this table. -->";

const whoMay = (route: RouteAccess, role: AccessRole): string => {
  const { access } = route;
  if (access.kind === 'open') return 'anyone';
  if (access.kind === 'ops') return 'M';
  if (access.kind === 'docs') return 'D';
  return admittedRoles(access).includes(role) ? 'yes' : '';
};

const roleMatrix = (routes: RouteAccess[]): string =>
  [
    `| route | ${ACCESS_ROLES.map((role) => `\`${role}\``).join(' | ')} |`,
    `| --- | ${ACCESS_ROLES.map(() => ':-:').join(' | ')} |`,
    ...routes.map(
      (route) =>
        `| \`${route.method} ${route.url}\` | ${ACCESS_ROLES.map((role) => whoMay(route, role)).join(' | ')} |`,
    ),
  ].join('\n');

/** The web app's copy of who may call what, so that its screens ask what the routes admit. */
const webRouteRoles = (routes: RouteAccess[]): string =>
  [
    "// Generated from heard's routes by npm run docs:tables (a test fails when it drifts): edit the",
    "// routes' access rules, not this file.",
    '',
    `export const ROLES = ${JSON.stringify(ACCESS_ROLES)} as const;`,
    '',
    '/** The roles each route admits, besides admin (who may call every route). */',
    'export const ROUTE_ROLES = {',
    ...routes
      .filter((route) => route.access.kind === 'roles')
      .map(
        (route) =>
          `  ${JSON.stringify(`${route.method} ${route.url}`)}: ${JSON.stringify(
            (route.access as Extract<RouteAccess['access'], { kind: 'roles' }>).roles,
          )},`,
      ),
    '} as const;',
    '',
  ].join('\n');

describe('the generated tables of the docs', () => {
  jest.setTimeout(60_000);
  let openapi: OpenApi;
  let routes: RouteAccess[];

  beforeAll(async () => {
    const dir = tempDataDir();
    const heard = await startHeard(dir);
    try {
      openapi = (await heard.get<OpenApi>('/docs/openapi.json')).body;
      routes = servedRoutes(heard);
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  });

  it('docs/http-api.md lists every command with the fields and roles heard serves', () => {
    expectGeneratedBetween(DOC, BEGIN, commandsTable(openapi));
  });

  it('docs/access-and-erasure.md has every route with the roles it admits', () => {
    expectGeneratedBetween(ACCESS_DOC, ROLE_BEGIN, roleMatrix(routes));
  });

  it("the web app's route roles are the routes' own", () => {
    expectGenerated(WEB_ROUTE_ROLES, () => webRouteRoles(routes));
  });

  it("the OpenAPI document's answer schemas are the types the routes return", () => {
    expectGenerated(ANSWER_SCHEMAS, answerSchemasSource);
  });

  it('every JSON route of the OpenAPI document says what it answers', () => {
    const unsaid = Object.entries(openapi.paths).flatMap(([path, methods]) =>
      Object.entries(methods as Record<string, Operation>)
        .filter(([method]) => !NOT_JSON.has(`${method.toUpperCase()} ${path}`))
        .filter(([, operation]) =>
          Object.entries(operation.responses ?? {}).every(
            ([status, response]) =>
              !status.startsWith('2') || !response.content?.['application/json']?.schema,
          ),
        )
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(unsaid).toEqual([]);
  });

  it("the web app's API types are heard's OpenAPI document's", () => {
    // With the answer schemas as the types make them now, so that one run writes both files.
    const document = {
      ...openapi,
      components: {
        ...openapi.components,
        schemas: { ...openapi.components.schemas, ...answerSchemas() },
      },
    };
    expectGenerated(WEB_API_TYPES, () => webApiTypes(document));
  });
});
