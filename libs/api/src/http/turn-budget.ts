/**
 * Work started per turn of the event loop, in units of about one command's worth (a request
 * admitted, a batch item). Chosen with the overload benchmark: fewer shed more requests at the
 * same throughput, more let one turn of the event loop grow long (docs/benchmarks.md).
 */
const WORK_STARTED_PER_TURN = 32;

/**
 * Starts at most `perTurn` units of work per turn of the event loop; the rest wait for the
 * next turns, in order. A job that costs more than a turn runs alone in one.
 *
 * Why: libuv (1.45 and later, so Node 20) accepts one new connection per turn, and one turn
 * reads every socket that is ready. With 400 busy connections a turn ran 400 requests'
 * validation and decisions (half a second), so new connections waited seconds to be accepted
 * and a probe that opens one (as Kubernetes' does) saw /health/live take 10 s. Four batches of
 * 14 MB parsed and started in one turn held it for half a second too. Starting the work a
 * little per turn keeps turns short, whoever sent it.
 */
export class TurnBudget {
  private readonly waiting: Array<{ job: () => void; cost: number }> = [];
  private spentThisTurn = 0;
  private turnEndScheduled = false;

  constructor(private readonly perTurn: number = WORK_STARTED_PER_TURN) {}

  /** Runs `job` now if this turn has budget left and nothing waits before it, else later. */
  run(job: () => void, cost = 1): void {
    this.scheduleTurnEnd();
    if (this.waiting.length === 0 && this.fits(cost)) {
      this.spentThisTurn += cost;
      job();
      return;
    }
    this.waiting.push({ job, cost });
  }

  /** Resolves when `cost` units may start: at once (a microtask later) or on a later turn. */
  take(cost = 1): Promise<void> {
    return new Promise((resolve) => this.run(resolve, cost));
  }

  /** Jobs not started yet. */
  get backlog(): number {
    return this.waiting.length;
  }

  /** A turn that has started nothing takes any job, however costly. */
  private fits(cost: number): boolean {
    return this.spentThisTurn === 0 || this.spentThisTurn + cost <= this.perTurn;
  }

  private scheduleTurnEnd(): void {
    if (this.turnEndScheduled) return;
    this.turnEndScheduled = true;
    // An immediate queued from inside an immediate runs on the next turn: one budget per turn.
    setImmediate(this.nextTurn);
  }

  private readonly nextTurn = () => {
    this.turnEndScheduled = false;
    this.spentThisTurn = 0;
    let count = 0;
    while (count < this.waiting.length && this.fits(this.waiting[count]!.cost))
      this.spentThisTurn += this.waiting[count++]!.cost;
    const jobs = this.waiting.splice(0, count);
    if (jobs.length > 0) this.scheduleTurnEnd();
    for (const { job } of jobs) job();
  };
}
