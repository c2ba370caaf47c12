import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainRuleViolation } from '@heard/domain';
import { CustomerKeysUnavailable } from '@heard/security';
import { AppendTooLarge, IdempotencyKeyReused, WrongExpectedRevision } from '@heard/event-store';
import { EventTooLarge } from '@heard/commands';
import { ConcurrencyConflict, Forbidden, ValidationFailed } from '@heard/commands';
import { RateLimited } from './errors';
import { Overloaded, UnsupportedMediaType } from './http-guards';

export interface ErrorBody {
  statusCode: number;
  /** Stable and machine-readable: a rule name such as handover.executive_summary_required. */
  error: string;
  message: string;
  fields?: ValidationFailed['fields'];
  requiredRoles?: string[];
}

const STATUS_OF_KIND = { conflict: 409, invalid: 422, not_found: 404 } as const;

/** The one place where errors become HTTP answers. */
export const toErrorBody = (error: unknown): ErrorBody => {
  if (error instanceof ValidationFailed)
    return {
      statusCode: 400,
      error: 'validation_failed',
      message: 'The request is invalid; nothing was written',
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
  if (error instanceof RateLimited)
    return { statusCode: 429, error: 'rate_limited', message: error.message };
  if (error instanceof EventTooLarge || error instanceof AppendTooLarge)
    return { statusCode: 413, error: 'event_too_large', message: error.message };
  if (error instanceof Overloaded)
    return { statusCode: 503, error: 'overloaded', message: error.message };
  if (error instanceof UnsupportedMediaType)
    return { statusCode: 415, error: 'unsupported_media_type', message: error.message };
  if (error instanceof DomainRuleViolation)
    return { statusCode: STATUS_OF_KIND[error.kind], error: error.rule, message: error.message };
  if (error instanceof ConcurrencyConflict || error instanceof WrongExpectedRevision)
    return { statusCode: 409, error: 'concurrency_conflict', message: error.message };
  if (error instanceof IdempotencyKeyReused)
    return { statusCode: 422, error: 'idempotency_key_reused', message: error.message };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 413)
      return {
        statusCode: 413,
        error: 'body_too_large',
        message:
          'The body is larger than this route accepts (HEARD_BODY_LIMIT); nothing was written',
      };
    const response = error.getResponse();
    const detail =
      typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = typeof detail === 'string' ? detail : error.message;
    return { statusCode: status, error: status === 404 ? 'not_found' : `http_${status}`, message };
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return {
      statusCode: 413,
      error: 'body_too_large',
      message: 'The body is larger than this route accepts (HEARD_BODY_LIMIT); nothing was written',
    };
  // The static server refuses a path outside its folder (`..`, dotfiles) with 403: to a
  // prober that is simply no such file.
  if (fastifyError.statusCode === 403 && !(error instanceof HttpException))
    return { statusCode: 404, error: 'not_found', message: 'No such file' };
  // The client went away mid-body: nobody reads the answer, and it is no fault of ours.
  if (fastifyError.code === 'ECONNRESET' || fastifyError.message === 'aborted')
    return { statusCode: 400, error: 'request_aborted', message: 'The client closed the request' };
  if (fastifyError.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return {
      statusCode: 414,
      error: 'uri_too_long',
      message: 'A path parameter (an id) is longer than 100 characters',
    };
  if (fastifyError.code === 'FST_ERR_BAD_URL')
    return {
      statusCode: 400,
      error: 'bad_url',
      message: 'The URL cannot be decoded (bad percent-encoding)',
    };
  if (fastifyError.statusCode === 400 && fastifyError.code?.startsWith('FST_ERR_CTP'))
    return {
      statusCode: 400,
      error: 'invalid_json',
      message: `The body is not valid JSON: ${fastifyError.message}`,
    };
  if (error instanceof SyntaxError)
    return {
      statusCode: 400,
      error: 'invalid_json',
      message: `The body is not valid JSON: ${error.message}`,
    };
  return {
    statusCode: 500,
    error: 'internal_error',
    message: 'Something went wrong on our side; it was logged',
  };
};

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(error);
    // Shedding is counted on /metrics: a log line per refused request would add to the load.
    if (body.statusCode >= 500 && !(error instanceof Overloaded))
      this.logger.error(error instanceof Error ? error.stack : String(error));
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof Overloaded)
      void reply.header('retry-after', String(error.retryAfterSeconds));
    if (error instanceof CustomerKeysUnavailable) void reply.header('retry-after', '1');
    void reply.status(body.statusCode).send(body);
  }
}
