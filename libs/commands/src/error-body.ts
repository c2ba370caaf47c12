import { DomainRuleViolation } from '@heard/domain';
import { AppendTooLarge, IdempotencyKeyReused, WrongExpectedRevision } from '@heard/event-store';
import { CustomerKeysUnavailable } from '@heard/security';
import { ConcurrencyConflict, Forbidden, ValidationFailed } from './errors';
import { EventTooLarge } from './execute-domain-command';

/** A refused command as every transport answers it: an HTTP answer's body, a dead letter's reason. */
export interface ErrorBody {
  statusCode: number;
  /** Stable and machine-readable: a rule name such as handover.executive_summary_required. */
  error: string;
  message: string;
  fields?: ValidationFailed['fields'];
  requiredRoles?: string[];
}

const STATUS_OF_KIND = { conflict: 409, invalid: 422, not_found: 404 } as const;

/** The answer to an error of the write path; undefined for any other error. */
export const commandErrorBody = (error: unknown): ErrorBody | undefined => {
  if (error instanceof ValidationFailed)
    return {
      statusCode: 400,
      error: 'validation_failed',
      message:
        error.of === 'query'
          ? 'The query is invalid; see fields'
          : 'The request is invalid; nothing was written',
      fields: error.fields,
    };
  if (error instanceof Forbidden)
    return {
      statusCode: 403,
      error: error.code,
      message: error.message,
      ...(error.requiredRoles ? { requiredRoles: error.requiredRoles } : {}),
    };
  if (error instanceof CustomerKeysUnavailable)
    return { statusCode: 503, error: 'customer_keys_unavailable', message: error.message };
  if (error instanceof EventTooLarge || error instanceof AppendTooLarge)
    return { statusCode: 413, error: 'event_too_large', message: error.message };
  if (error instanceof DomainRuleViolation)
    return { statusCode: STATUS_OF_KIND[error.kind], error: error.rule, message: error.message };
  if (error instanceof ConcurrencyConflict || error instanceof WrongExpectedRevision)
    return { statusCode: 409, error: 'concurrency_conflict', message: error.message };
  if (error instanceof IdempotencyKeyReused)
    return { statusCode: 422, error: 'idempotency_key_reused', message: error.message };
  if (error instanceof SyntaxError)
    return {
      statusCode: 400,
      error: 'invalid_json',
      message: `The body is not valid JSON: ${error.message}`,
    };
  return undefined;
};

/** The answer to any error of a command: a fault of ours (500) when it is none of the write path's. */
export const toCommandErrorBody = (error: unknown): ErrorBody =>
  commandErrorBody(error) ?? {
    statusCode: 500,
    error: 'internal_error',
    message: 'Something went wrong on our side; it was logged',
  };
