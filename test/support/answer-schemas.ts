import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

type Schema = Record<string, unknown>;

const ROOT = join(__dirname, '..', '..');
const ANSWERS_FILE = join(ROOT, 'libs', 'api', 'src', 'http', 'answers.ts');

/**
 * JSON Schema (draft 7, as the generator writes it) in the OpenAPI 3.0 dialect that heard's
 * document speaks: `type: [x, "null"]` becomes `nullable`, `const` a one-value enum, and
 * references point into `components.schemas`.
 */
const toOpenApi30 = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(toOpenApi30);
  if (value === null || typeof value !== 'object') return value;
  const schema: Schema = {};
  for (const [key, inner] of Object.entries(value as Schema)) {
    if (key === '$ref' && typeof inner === 'string')
      schema.$ref = inner.replace('#/definitions/', '#/components/schemas/');
    else if (key === 'const') schema.enum = [inner];
    else if (key === 'type' && Array.isArray(inner)) {
      const types = inner.filter((t) => t !== 'null');
      if (types.length !== 1) throw new Error(`No OpenAPI 3.0 type for ${JSON.stringify(inner)}`);
      schema.type = types[0];
      if (types.length < inner.length) schema.nullable = true;
    } else if (key === 'anyOf' && Array.isArray(inner) && inner.some(isNullType)) {
      const rest = inner.filter((s) => !isNullType(s)) as Schema[];
      // OpenAPI 3.0 ignores what stands beside a $ref, `nullable` too: wrap the reference.
      const one = rest.length === 1 && !rest[0]!.$ref ? toOpenApi30(rest[0]) : undefined;
      Object.assign(schema, one ?? { anyOf: toOpenApi30(rest) }, { nullable: true });
    } else schema[key] = toOpenApi30(inner);
  }
  if (schema.enum && (schema.enum as unknown[]).includes(null)) {
    schema.enum = (schema.enum as unknown[]).filter((v) => v !== null);
    schema.nullable = true;
  }
  return schema;
};

const isNullType = (schema: unknown) =>
  typeof schema === 'object' && schema !== null && (schema as Schema).type === 'null';

/** A name OpenAPI takes for a schema (not `Omit<CaseDigest,"proposedFixes">`). */
const SCHEMA_NAME = /^[A-Za-z0-9_.-]+$/;

/** The definitions with those of generic types' instances written where they are used. */
const inlineUnnamed = (definitions: Record<string, Schema>): Record<string, Schema> => {
  const unnamed = (ref: unknown) => {
    if (typeof ref !== 'string' || !ref.startsWith('#/definitions/')) return undefined;
    const name = decodeURIComponent(ref.slice('#/definitions/'.length));
    return SCHEMA_NAME.test(name) ? undefined : definitions[name];
  };
  const inline = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(inline);
    if (value === null || typeof value !== 'object') return value;
    const { $ref, ...rest } = value as Schema;
    const target = unnamed($ref);
    if (target) return inline({ ...target, ...rest });
    return Object.fromEntries(
      Object.entries(value as Schema).map(([key, inner]) => [key, inline(inner)]),
    );
  };
  return Object.fromEntries(
    Object.entries(definitions)
      .filter(([name]) => SCHEMA_NAME.test(name))
      .map(([name, schema]) => [name, inline(schema) as Schema]),
  );
};

/**
 * The schema of every answer named in `HeardAnswers` (under that name) and of every type they
 * use (under its own), from the TypeScript types themselves.
 */
export const answerSchemas = (): Record<string, Schema> => {
  const generated = createGenerator({
    path: ANSWERS_FILE,
    tsconfig: join(ROOT, 'tsconfig.json'),
    type: 'HeardAnswers',
    skipTypeCheck: true,
    // Every named type its own schema (KpiRow, not two copies of it inline).
    expose: 'all',
    additionalProperties: false,
    sortProps: true,
  }).createSchema('HeardAnswers');
  const { HeardAnswers, ...definitions } = inlineUnnamed(
    generated.definitions as Record<string, Schema>,
  );
  const schemas: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(definitions)) schemas[name] = schema;
  for (const [name, schema] of Object.entries(HeardAnswers!.properties as Record<string, Schema>)) {
    // An answer named as its type already has its schema under that name.
    if (schema.$ref === `#/definitions/${name}`) continue;
    if (schemas[name]) throw new Error(`Answer ${name} has the name of another type: rename one`);
    schemas[name] = schema;
  }
  // The generator writes this where it cannot read a type (a function's inferred return type):
  // name the type instead.
  const unread = Object.keys(schemas).filter((name) =>
    JSON.stringify(schemas[name]).includes('Failed to correctly infer type'),
  );
  if (unread.length) throw new Error(`No schema could be made for ${unread.join(', ')}`);
  return Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((name) => [name, toOpenApi30(schemas[name]) as Schema]),
  );
};

/** The TypeScript source of `libs/api/src/http/answer-schemas.generated.ts`. */
export const answerSchemasSource = (): string =>
  [
    '// Generated from the types of answers.ts by npm run docs:tables (a test fails when it',
    "// drifts): edit those types, not this file. heard's OpenAPI document serves these schemas.",
    '',
    "import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';",
    '',
    `export const ANSWER_SCHEMAS: Record<string, SchemaObject | ReferenceObject> = ${JSON.stringify(answerSchemas())};`,
    '',
  ].join('\n');

/** The web app's types of heard's API, as openapi-typescript writes them from `document`. */
export const webApiTypes = (document: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'heard-openapi-'));
  try {
    const input = join(dir, 'openapi.json');
    const output = join(dir, 'heard-api.ts');
    writeFileSync(input, JSON.stringify(document));
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'),
        input,
        '--output',
        output,
        '--alphabetize',
      ],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`openapi-typescript failed: ${run.stderr}`);
    return [
      "// Generated from heard's OpenAPI document by npm run docs:tables with openapi-typescript",
      "// (a test fails when it drifts): edit the server's answers and DTOs, not this file.",
      '',
      readFileSync(output, 'utf8'),
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
