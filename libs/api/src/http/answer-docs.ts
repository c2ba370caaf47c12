import { ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
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
  return {
    ...document,
    components: { ...document.components, schemas: { ...schemas, ...ANSWER_SCHEMAS } },
  };
};
