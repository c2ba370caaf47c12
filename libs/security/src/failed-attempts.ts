/**
 * A budget of slow secret checks: a wrong secret for a real API key id costs a scrypt check
 * (tens of ms of a worker thread). Each check is counted before it runs, per key id, in a
 * fixed window; one that succeeds gives its place back. Past the limit, no further slow check
 * of that key id runs until the window ends, however many arrive at once. Not per address:
 * behind a proxy every caller shares one, and guesses from one would lock out the rest.
 * A key that proved itself once is recognised without a slow check (ApiKeys keeps its
 * digest), the bootstrap admin key and JWTs cost no slow check, and a made-up key id is
 * refused by a lookup: none of them is ever held back by this budget.
 */
const MAX_TRACKED = 100_000;

export class FailedAttempts {
  private readonly counts = new Map<string, number>();
  private windowStartedAt = Date.now();

  constructor(
    private readonly limit = 20,
    private readonly windowMs = 60_000,
  ) {}

  /**
   * Reserves one slow check for every subject (a key id, an address): a function that ends
   * it (`true` when the secret matched, which gives the places back), or the seconds until
   * one of them may try again.
   */
  begin(subjects: string[], now = Date.now()): ((matched: boolean) => void) | number {
    this.roll(now);
    if (subjects.some((s) => (this.counts.get(s) ?? 0) >= this.limit))
      return Math.max(1, Math.ceil((this.windowStartedAt + this.windowMs - now) / 1000));
    // Bounded whatever the number of subjects: past it, the window starts over.
    if (this.counts.size >= MAX_TRACKED) this.counts.clear();
    for (const s of subjects) this.counts.set(s, (this.counts.get(s) ?? 0) + 1);
    const window = this.windowStartedAt;
    return (matched) => {
      if (!matched || window !== this.windowStartedAt) return;
      for (const s of subjects) {
        const left = (this.counts.get(s) ?? 1) - 1;
        if (left > 0) this.counts.set(s, left);
        else this.counts.delete(s);
      }
    };
  }

  private roll(now: number): void {
    if (now - this.windowStartedAt < this.windowMs) return;
    this.counts.clear();
    this.windowStartedAt = now;
  }
}

/** Too many slow checks failed for this key id or this address: answered 429. */
export class TooManyFailedChecks extends Error {
  override readonly name = 'TooManyFailedChecks';
  constructor(readonly retryAfterSeconds: number) {
    super(
      `Too many wrong secrets were presented for this API key or from this address; retry after ${retryAfterSeconds} s`,
    );
  }
}
