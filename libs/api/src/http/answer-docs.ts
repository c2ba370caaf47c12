import { ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import type { ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { AnswerName } from './answers';
import { ANSWER_SCHEMAS } from './answer-schemas.generated';

/** The route answers `name` of `HeardAnswers` (its schema in heard's OpenAPI document). */
export const Answers = (
  name: AnswerName,
  status = 200,
  description?: string,
): MethodDecorator & ClassDecorator =>
  ApiResponse({
    status,
    schema: { $ref: `#/components/schemas/${name}` },
    ...(description ? { description } : {}),
  });

/** The document with the answers' schemas beside the bodies' (a clash of names is a bug). */
export const withAnswerSchemas = (document: OpenAPIObject): OpenAPIObject => {
  const schemas = document.components?.schemas ?? {};
  for (const name of Object.keys(ANSWER_SCHEMAS))
    if (schemas[name]) throw new Error(`OpenAPI schema ${name} is both a body and an answer`);
  return withErrorAnswers({
    ...document,
    components: { ...document.components, schemas: { ...schemas, ...ANSWER_SCHEMAS } },
  });
};

const error = (description: string): ResponseObject => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

/** What any route may answer besides its success, by what the route is. */
const ERRORS = {
  signedIn: {
    401: error('No credential, or not a valid one (`unauthenticated`)'),
    403: error('The credential does not admit this route; `requiredRoles` says which would'),
    429: error('Over HEARD_RATE_LIMIT requests a minute (`rate_limited`); `Retry-After` says when'),
  },
  any: {
    503: error(
      'At the limit of work in flight (`overloaded`); `Retry-After` says when; nothing was done',
    ),
  },
  write: {
    400: error(
      'Invalid input (`validation_failed`): `fields` names each field and its rule; nothing was written',
    ),
    409: error(
      'The case changed meanwhile (`concurrency_conflict`, retry) or a rule refused it (`error` names it)',
    ),
    413: error('A body over HEARD_BODY_LIMIT, or an event over HEARD_MAX_EVENT_BYTES'),
    415: error('A body not sent as `content-type: application/json`'),
    422: error('A rule of the domain refused the command (`error` names it); nothing was written'),
  },
  query: { 400: error('An invalid query parameter: `fields` names it and its rule') },
  path: { 404: error('Nothing under that id (`error` names what, such as `case.not_found`)') },
};

/**
 * Every operation needs the bearer key unless it says otherwise (open probes), and says the
 * errors it may answer, each an ErrorBody, beside the answers its route declares.
 */
const withErrorAnswers = (document: OpenAPIObject): OpenAPIObject => {
  for (const [path, item] of Object.entries(document.paths))
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const signedIn = !(Array.isArray(operation.security) && operation.security.length === 0);
      const parameters = (operation.parameters ?? []) as Array<{ in?: string }>;
      const errors = {
        // The open probes are never shed or limited.
        ...(signedIn ? { ...ERRORS.signedIn, ...ERRORS.any } : {}),
        ...(method === 'get' ? {} : ERRORS.write),
        ...(method === 'get' && parameters.some((p) => p.in === 'query') ? ERRORS.query : {}),
        ...(path.includes('{') ? ERRORS.path : {}),
      };
      for (const [status, response] of Object.entries(errors))
        operation.responses[status] ??= response;
    }
  return document;
};
