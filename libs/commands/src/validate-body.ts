import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ValidationFailed, type FieldError } from './errors';
import { jsonShapeProblems } from './input-rules';

const flatten = (errors: ValidationError[], prefix = ''): FieldError[] =>
  errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own: FieldError[] = e.constraints ? [{ field, rules: { ...e.constraints } }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });

/**
 * The one validation of command bodies, for HTTP, the batch route and Kafka alike: unknown
 * fields, wrong types and enums, missing and oversized fields, each named with its rule.
 */
export const validateBody = <T extends object>(dto: new () => T, raw: unknown): T => {
  const body = raw ?? {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new ValidationFailed([
      { field: '(body)', rules: { isObject: 'the body must be a JSON object' } },
    ]);
  // Before class-transformer: it recurses (deep input overflows it) and drops __proto__ silently.
  const shape = jsonShapeProblems(body);
  if (shape.length > 0) throw new ValidationFailed(shape);
  const instance = plainToInstance(dto, body);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length > 0) throw new ValidationFailed(flatten(errors));
  return instance;
};
