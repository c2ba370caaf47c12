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
