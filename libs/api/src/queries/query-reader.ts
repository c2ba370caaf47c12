import type { FastifyReply } from 'fastify';
import type { Checkpoint } from '@heard/event-store';
import type { ProjectionRunner } from '@heard/projections';
import { ValidationFailed, type FieldError, isCalendarDay } from '@heard/commands';

const MAX_WAIT_MS = 5000;

/** Query parameters as a route receives them. */
export type QueryParams = Record<string, string | undefined>;

/** Reads query parameters, collecting every problem: `done()` throws them all as one 400. */
export class QueryReader {
  readonly problems: FieldError[] = [];

  constructor(private readonly query: QueryParams) {}

  private fail(field: string, rule: string, message: string): undefined {
    this.problems.push({ field, rules: { [rule]: message } });
    return undefined;
  }

  text(name: string, max = 200): string | undefined {
    const raw = this.query[name];
    if (raw === undefined || raw === '') return undefined;
    if (raw.length > max)
      return this.fail(name, 'maxLength', `${name} must be at most ${max} characters`);
    return raw;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const raw = this.text(name);
    if (raw === undefined) return undefined;
    if (!allowed.includes(raw as T))
      return this.fail(
        name,
        'isIn',
        `${name} must be one of the following values: ${allowed.join(', ')}`,
      );
    return raw as T;
  }

  int(name: string, min: number, max: number, fallback: number): number {
    const raw = this.text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      this.fail(name, 'range', `${name} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  decimal(name: string, min: number, max: number, fallback: number): number {
    const raw = this.text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || value < min || value > max) {
      this.fail(name, 'range', `${name} must be a number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  day(name: string): string | undefined {
    const raw = this.text(name);
    if (raw === undefined) return undefined;
    if (!isCalendarDay(raw))
      return this.fail(name, 'isDate', `${name} must be a day that exists, YYYY-MM-DD`);
    return raw;
  }

  /** `minPosition`: the store position a write returned, to read one's own writes. */
  position(store: { parsePosition(raw: string): Checkpoint | undefined }): Checkpoint | undefined {
    const raw = this.text('minPosition', 100);
    if (raw === undefined) return undefined;
    const position = store.parsePosition(raw);
    if (position === undefined)
      return this.fail(
        'minPosition',
        'isPosition',
        'minPosition must be a position a write returned (its `position`)',
      );
    return position;
  }

  done(): void {
    if (this.problems.length) throw new ValidationFailed(this.problems, 'query');
  }
}

/** Waits (up to 5 s) for the read models to reach a position; a late answer is marked stale. */
export const waitForPosition = async (
  runner: ProjectionRunner,
  position: Checkpoint | undefined,
  reply: FastifyReply,
): Promise<void> => {
  if (position === undefined) return;
  const reached = await runner.waitFor(position, MAX_WAIT_MS);
  if (!reached) void reply.header('X-Heard-Stale', 'true');
};
