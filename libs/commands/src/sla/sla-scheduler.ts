import {
  DomainRuleViolation,
  caseRules,
  deadlineCommand,
  deadlineKey,
  HEARD_ITSELF,
  type Deadline,
} from '@heard/domain';
import type { CommandBus } from '@nestjs/cqrs';
import { ExecuteDomainCommand } from '../execute-domain-command';

interface SchedulerLogger {
  error(message: string, error?: unknown): void;
  debug?(message: string): void;
}

/** Whatever lists the deadlines that are due (the SLA projection's table). */
export type DueDeadlines = (now: number) => Promise<Array<{ caseId: string; deadline: Deadline }>>;

/** A deadline the case refused is not asked again for this long (the read model may be behind). */
const REFUSED_PAUSE_MS = 30_000;

/**
 * The scheduler role's clock work: every interval, records what came due (warnings,
 * breaches, escalations, broken promises) as commands on the case, through the same write
 * path as every other command. Each has an idempotency key of its own (case and deadline),
 * so a restart or a second scheduler replays the first answer instead of writing again, and
 * the case decides again whether it is still due: met, paused or resolved, nothing happens.
 */
export class SlaScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private recorded = 0;
  private passAt = 0;
  private readonly refused = new Map<string, number>();

  constructor(
    private readonly bus: Pick<CommandBus, 'execute'>,
    private readonly due: DueDeadlines,
    private readonly options: { intervalMs: number; logger?: SchedulerLogger; now?: () => number },
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.pass(), this.options.intervalMs);
    this.timer.unref();
    await this.pass();
  }

  /** One pass: what is due now, recorded. Resolves when it is done (tests call it directly). */
  pass(): Promise<void> {
    this.running ??= this.record()
      .catch((error: unknown) =>
        this.options.logger?.error(
          'Recording SLA deadlines failed; retrying at the next interval',
          error,
        ),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async record(): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    for (const [key, at] of this.refused) if (now - at > REFUSED_PAUSE_MS) this.refused.delete(key);
    for (const { caseId, deadline } of await this.due(now)) {
      const commandId = `${HEARD_ITSELF}:sla:${caseId}:${deadlineKey(deadline)}`;
      if (this.refused.has(commandId)) continue;
      const at = new Date(now).toISOString();
      try {
        const result = await this.bus.execute(
          new ExecuteDomainCommand(
            deadlineCommand(caseId, deadline, at),
            {
              commandId,
              correlationId: commandId,
              causationId: commandId,
              actor: { id: HEARD_ITSELF, kind: 'system', role: 'scheduler' },
              occurredAt: at,
            },
            commandId,
          ),
        );
        if (!result.duplicate) this.recorded++;
      } catch (error) {
        if (error instanceof DomainRuleViolation && error.rule === caseRules.nothingDue) {
          this.options.logger?.debug?.(`SLA ${commandId}: ${error.message}`);
          this.refused.set(commandId, now);
        } else
          this.options.logger?.error(`Recording SLA deadline ${commandId} failed; retrying`, error);
      }
    }
    this.passAt = Date.now();
  }

  status() {
    return { running: !!this.timer, recorded: this.recorded, lastPassAt: this.passAt };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
