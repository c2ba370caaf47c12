import { join } from 'node:path';
import { COMMANDS } from '@heard/commands';
import { admittedRoles } from '@heard/security';
import { expectGenerated } from '../support/generated-docs';
import { removeDir, startHeard, tempDataDir } from '../support/heard-app';

/**
 * The docs' table of commands comes from the command catalogue (routes, roles, notes) and
 * heard's own OpenAPI document (each body's fields, which are optional, their values): this
 * test fails when docs/http-api.md says otherwise, and `npm run docs:tables` rewrites it.
 */
const DOC = join(__dirname, '..', '..', 'docs', 'http-api.md');
const BEGIN =
  '<!-- Generated from the command catalogue and the OpenAPI document by npm run docs:tables: edit those, not this table. -->';
const END = '<!-- End of the generated table. -->';

interface Schema {
  properties?: Record<string, { enum?: unknown[] }>;
  required?: string[];
}
interface OpenApi {
  paths: Record<
    string,
    { post?: { requestBody?: { content: Record<string, { schema: { $ref: string } }> } } }
  >;
  components: { schemas: Record<string, Schema> };
}

const commandsTable = (openapi: OpenApi): string => {
  const rows = COMMANDS.map((spec) => {
    const path = `/${spec.route.replace(/:(\w+)/g, '{$1}')}`;
    const ref = openapi.paths[path]?.post?.requestBody?.content['application/json']?.schema.$ref;
    if (!ref) throw new Error(`The OpenAPI document has no body for POST ${path}`);
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
    return `| \`POST /${spec.route}\` | ${body} | ${roles} |`;
  });
  return ['| route | body (`?` optional) | roles |', '| --- | --- | --- |', ...rows].join('\n');
};

describe('the generated tables of the docs', () => {
  jest.setTimeout(60_000);

  it('docs/http-api.md lists every command with the fields and roles heard serves', async () => {
    const dir = tempDataDir();
    const heard = await startHeard(dir);
    let openapi: OpenApi;
    try {
      openapi = (await heard.get<OpenApi>('/docs/openapi.json')).body;
    } finally {
      await heard.stop();
      removeDir(dir);
    }
    expectGenerated(DOC, (doc) => {
      const [before, rest] = doc.split(BEGIN) as [string, string | undefined];
      if (rest === undefined) throw new Error(`${DOC} has no "${BEGIN}" line`);
      const after = rest.slice(rest.indexOf(END));
      return `${before}${BEGIN}\n\n${commandsTable(openapi)}\n\n${after}`;
    });
  });
});
