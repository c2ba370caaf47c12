/**
 * Credentials that proved nothing, counted per client address in a fixed window: past the
 * limit, the address is answered 429 until the window ends. A wrong secret for a real key id
 * costs a scrypt check (tens of ms of a worker thread); this keeps guessing from taking the
 * machine.
 */
const MAX_ADDRESSES = 100_000;

export class FailedAttempts {
  private readonly counts = new Map<string, number>();
  private windowStartedAt = Date.now();

  constructor(
    private readonly limit = 20,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds until the address may try again, or 0 when it may try now. */
  blockedFor(address: string, now = Date.now()): number {
    this.roll(now);
    return (this.counts.get(address) ?? 0) >= this.limit
      ? Math.ceil((this.windowStartedAt + this.windowMs - now) / 1000)
      : 0;
  }

  record(address: string, now = Date.now()): void {
    this.roll(now);
    // Bounded whatever the number of addresses: past it, the window starts over.
    if (this.counts.size >= MAX_ADDRESSES) this.counts.clear();
    this.counts.set(address, (this.counts.get(address) ?? 0) + 1);
  }

  private roll(now: number): void {
    if (now - this.windowStartedAt < this.windowMs) return;
    this.counts.clear();
    this.windowStartedAt = now;
  }
}
