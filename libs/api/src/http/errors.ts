/** More requests from one caller than HEARD_RATE_LIMIT allows; Retry-After says when to come back. */
export class RateLimited extends Error {
  override readonly name = 'RateLimited';
  readonly statusCode = 429;
  constructor(max: number, retryAfterSeconds: number) {
    super(
      `More than ${max} requests a minute (HEARD_RATE_LIMIT) from this caller; retry after ${retryAfterSeconds} s. Nothing was written`,
    );
  }
}

/** Shed: more work in flight than heard takes; answered 503 with Retry-After. */
export class Overloaded extends Error {
  override readonly name = 'Overloaded';
  constructor(readonly retryAfterSeconds: number) {
    super(
      'heard is at its limit of work in flight (HEARD_MAX_IN_FLIGHT, HEARD_MAX_IN_FLIGHT_BYTES); nothing was written, retry after a moment',
    );
  }
}

/** A POST whose body is not declared as JSON: answered 415. */
export class UnsupportedMediaType extends Error {
  override readonly name = 'UnsupportedMediaType';
  constructor(received: string | undefined) {
    super(
      `Send the body as JSON with the header content-type: application/json (received ${
        received ? `content-type: ${received.slice(0, 100)}` : 'no content-type'
      }); nothing was written`,
    );
  }
}

/** A webhook delivery heard does not take: unknown tracker or receiver off (404), bad signature (401). */
export class WebhookRefused extends Error {
  override readonly name = 'WebhookRefused';
  constructor(
    readonly statusCode: 400 | 401 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
