import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { commandErrorBody, toCommandErrorBody, type ErrorBody } from '@heard/commands';
import { CustomerKeysUnavailable } from '@heard/security';
import { Overloaded, RateLimited, UnsupportedMediaType, WebhookRefused } from './errors';

export type { ErrorBody };

/** The one place where errors become HTTP answers: the write path's own, then HTTP's. */
export const toErrorBody = (error: unknown): ErrorBody => {
  const ofCommand = commandErrorBody(error);
  if (ofCommand) return ofCommand;
  if (error instanceof RateLimited)
    return { statusCode: 429, error: 'rate_limited', message: error.message };
  if (error instanceof Overloaded)
    return { statusCode: 503, error: 'overloaded', message: error.message };
  if (error instanceof UnsupportedMediaType)
    return { statusCode: 415, error: 'unsupported_media_type', message: error.message };
  if (error instanceof WebhookRefused)
    return { statusCode: error.statusCode, error: error.code, message: error.message };
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
  return toCommandErrorBody(error);
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
