import type { Checkpoint } from '../event-store.port';

/**
 * The positions of heard's events that a live subscription delivered, from `since` on, in
 * $all's order: a reader's lag is counted from them without reading a single event
 * (EventStoreDB keeps no count of $all). It holds `max` positions at most; past that the
 * oldest half goes, and `since` moves up with it.
 */
export class PositionTally {
  private positions: Checkpoint[] = [];

  constructor(
    private since: Checkpoint,
    private readonly max = 100_000,
  ) {}

  /** The newest position delivered, or where the tally began. */
  get newest(): Checkpoint {
    return this.positions.at(-1) ?? this.since;
  }

  add(position: Checkpoint): void {
    // Delivered again after a reconnect: already counted.
    if (position <= this.newest) return;
    this.positions.push(position);
    if (this.positions.length > this.max) {
      const dropped = this.positions.splice(0, this.positions.length - this.max / 2);
      this.since = dropped.at(-1)!;
    }
  }

  /** How many delivered positions follow `after`; undefined when the tally does not reach back to it. */
  countAfter(after: Checkpoint): number | undefined {
    if (after < this.since) return undefined;
    let low = 0;
    let high = this.positions.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.positions[middle]! <= after) low = middle + 1;
      else high = middle;
    }
    return this.positions.length - low;
  }
}
