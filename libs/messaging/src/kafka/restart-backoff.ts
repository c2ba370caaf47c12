/**
 * The wait before replacing a crashed consumer: 1 s, doubling to 30 s while attempts keep
 * failing, and 1 s again once a consumer has joined its group (it worked): a crash after a
 * long outage that ended hours ago waits a second, not the longest wait the outage reached.
 */
export class RestartBackoff {
  private failuresInARow = 0;

  constructor(
    private readonly firstMs = 1000,
    private readonly longestMs = 30_000,
  ) {}

  /** The wait before the next attempt, counting this failure. */
  next(): number {
    const delay = Math.min(this.firstMs * 2 ** this.failuresInARow, this.longestMs);
    this.failuresInARow += 1;
    return delay;
  }

  /** A consumer works again: the next crash starts from the first wait. */
  reset(): void {
    this.failuresInARow = 0;
  }
}
