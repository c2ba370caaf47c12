import type { LoadShedding } from '@heard/ops';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import type { HeardConfig } from '@heard/config';
import { toErrorBody, type ErrorBody } from './error.filter';
import { Overloaded, UnsupportedMediaType } from './errors';
import {
  ValidationFailed,
  type FieldError,
  jsonShapeProblems,
  MAX_JSON_DEPTH,
} from '@heard/commands';
import { isJsonSpace, parseBatchBody } from '../commands/batch-body';
import { TurnBudget } from './turn-budget';

/** Routes that must answer under any load: never shed, never counted. */
const isOpsRoute = (url: string) =>
  url === '/health' || url.startsWith('/health/') || url === '/metrics';

const isJson = (contentType: string | undefined) =>
  !!contentType && /^application\/json\s*(;|$)/i.test(contentType.trim());

/** A refused body larger than this is not read: the connection is closed instead. */
const LARGE_BODY_BYTES = 1 << 20;

/**
 * What parsing a body costs in the turn budget: one unit per 64 KiB, about what one command
 * costs, so a batch of many megabytes is parsed on a turn of its own. Smaller bodies are
 * parsed at once.
 */
const BODY_BYTES_PER_TURN_UNIT = 1 << 16;

/** What load shedding has done so far, for /metrics and /health. */

/**
 * The request guards every route shares, on Fastify itself so that they run before Nest
 * reads a body: JSON only on writes, JSON no deeper than any command needs, one value per
 * query parameter, a bound on work in flight (started, and large bodies parsed, a little per
 * turn of `turns`), and heard's error body on Fastify's and Node's own refusals (bad URLs,
 * request timeouts, oversized headers).
 */
export const installHttpGuards = (
  fastify: FastifyInstance,
  config: HeardConfig,
  turns: TurnBudget,
): LoadShedding => {
  const shedding: LoadShedding = { inFlight: 0, inFlightBytes: 0, shed: 0, lastAdmittedAt: 0 };
  const admitted = new WeakMap<FastifyRequest, number>();

  // An empty JSON body is an empty command body (e.g. a confirmation without a note).
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length <= BODY_BYTES_PER_TURN_UNIT) return parseJsonBody(request, bytes, done);
    // Several large bodies that ended together are parsed on turns of their own.
    turns.run(
      () => parseJsonBody(request, bytes, done),
      Math.ceil(bytes.length / BODY_BYTES_PER_TURN_UNIT),
    );
  });
  const parseJsonBody = (
    request: FastifyRequest,
    bytes: Buffer,
    done: (error: Error | null, body?: unknown) => void,
  ) => {
    // A tracker signs the bytes it sent: its receiver checks them before anything reads them.
    if (request.routeOptions.url?.startsWith('/webhooks/')) return done(null, bytes);
    if (bytes.every(isJsonSpace)) return done(null, undefined);
    // A batch holds each command's body three levels down (commands[i].data), where validateBody
    // holds it to MAX_JSON_DEPTH: up to twice that, the batch answers a deep item on its own.
    // Its commands are checked one by one and kept as bytes until their turn (parseBatchBody).
    const isBatch = request.routeOptions.url === '/commands';
    let parsed: unknown;
    let problems: FieldError[];
    try {
      if (isBatch) ({ body: parsed, problems } = parseBatchBody(bytes, 2 * MAX_JSON_DEPTH));
      else {
        parsed = JSON.parse(bytes.toString());
        problems = jsonShapeProblems(parsed, MAX_JSON_DEPTH);
      }
    } catch (error) {
      const parseError = error as Error & { statusCode?: number; code?: string };
      parseError.statusCode = 400;
      parseError.code = 'FST_ERR_CTP_INVALID_JSON';
      return done(parseError, undefined);
    }
    if (problems.length > 0) return done(new ValidationFailed(problems), undefined);
    done(null, parsed);
  };

  fastify.addHook('onRequest', (request, reply, done) => {
    const url = request.routeOptions.url ?? request.url;
    if (isOpsRoute(url)) return done();
    const query = request.query as Record<string, unknown> | undefined;
    const repeated = Object.entries(query ?? {}).filter(([, v]) => Array.isArray(v));
    if (repeated.length > 0)
      return done(
        new ValidationFailed(
          repeated.map(([name]) => ({
            field: name,
            rules: { isSingle: `${name} must be given once` },
          })),
          request.method === 'GET' ? 'query' : 'command',
        ),
      );
    if (
      (request.method === 'POST' || request.method === 'PUT') &&
      !isJson(request.headers['content-type'])
    )
      return done(new UnsupportedMediaType(request.headers['content-type']));

    const declared = Number(request.headers['content-length'] ?? 0);
    const bytes = Number.isFinite(declared) && declared > 0 ? declared : 0;
    if (
      shedding.inFlight >= config.maxInFlightRequests ||
      (bytes > 0 && shedding.inFlightBytes + bytes > config.maxInFlightBytes)
    ) {
      shedding.shed += 1;
      // The 503 goes out now. A small body is read and dropped, and the connection stays open
      // (closing every one sent clients into reconnect storms); a large one is not read at all:
      // reading many refused large batches only to discard them held the event loop for seconds.
      if (bytes > LARGE_BODY_BYTES) void reply.header('connection', 'close');
      return done(new Overloaded(1));
    }
    shedding.inFlight += 1;
    shedding.inFlightBytes += bytes;
    shedding.lastAdmittedAt = Date.now();
    admitted.set(request, bytes);
    turns.run(done);
  });
  const release = (request: FastifyRequest) => {
    const bytes = admitted.get(request);
    if (bytes === undefined) return;
    admitted.delete(request);
    shedding.inFlight -= 1;
    shedding.inFlightBytes -= bytes;
  };
  fastify.addHook('onResponse', (request, _reply, done) => {
    release(request);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    release(request);
    done();
  });
  return shedding;
};

/** Fastify's own refusals before routing (a URL that cannot be decoded), in heard's body. */
export const frameworkErrorHandler = (error: Error, _request: unknown, reply: FastifyReply) => {
  const body = toErrorBody(error);
  void reply.code(body.statusCode).send(body);
};

/** Node's refusals on the socket, by error code; anything else is malformed HTTP (400). */
const SOCKET_REFUSALS: Record<string, [status: number, reason: string, body: ErrorBody]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    'Request Timeout',
    {
      statusCode: 408,
      error: 'request_timeout',
      message:
        'The request did not arrive in full within HEARD_REQUEST_TIMEOUT; nothing was written',
    },
  ],
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    {
      statusCode: 431,
      error: 'headers_too_large',
      message: 'The URL and headers are larger than heard accepts (16 KB)',
    },
  ],
};
const MALFORMED: [number, string, ErrorBody] = [
  400,
  'Bad Request',
  { statusCode: 400, error: 'bad_request', message: 'The request is not valid HTTP' },
];

/** Node's refusals on the socket (request timeout, oversized headers, malformed HTTP), in heard's body. */
export const clientErrorHandler = (error: Error & { code?: string }, socket: Socket) => {
  const [status, reason, body] = SOCKET_REFUSALS[error.code ?? ''] ?? MALFORMED;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
};
