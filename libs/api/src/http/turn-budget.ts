/**
 * Starts at most `perTurn` jobs per turn of the event loop; the rest wait for the next turns,
 * in order.
 *
 * Why: libuv (1.45 and later, so Node 20) accepts one new connection per turn, and one turn
 * reads every socket that is ready. With 400 busy connections a turn ran 400 requests'
 * validation and decisions (half a second), so new connections waited seconds to be accepted
 * and a probe that opens one (as Kubernetes' does) saw /health/live take 10 s. Starting the
 * admitted requests a few per turn keeps turns short.
 */
export class TurnBudget {
  private readonly waiting: Array<() => void> = [];
  private startedThisTurn = 0;
  private turnEndScheduled = false;

  constructor(private readonly perTurn: number) {}

  /** Runs `job` now if this turn has budget left and nothing waits before it, else later. */
  run(job: () => void): void {
    this.scheduleTurnEnd();
    if (this.waiting.length === 0 && this.startedThisTurn < this.perTurn) {
      this.startedThisTurn += 1;
      job();
      return;
    }
    this.waiting.push(job);
  }

  /** Jobs not started yet. */
  get backlog(): number {
    return this.waiting.length;
  }

  private scheduleTurnEnd(): void {
    if (this.turnEndScheduled) return;
    this.turnEndScheduled = true;
    // An immediate queued from inside an immediate runs on the next turn: one batch per turn.
    setImmediate(this.nextTurn);
  }

  private readonly nextTurn = () => {
    this.turnEndScheduled = false;
    const jobs = this.waiting.splice(0, this.perTurn);
    this.startedThisTurn = jobs.length;
    if (jobs.length > 0) this.scheduleTurnEnd();
    for (const job of jobs) job();
  };
}
