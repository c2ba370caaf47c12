import { isISO8601 } from 'class-validator';
import type { FieldError } from './errors';

/** Deeper JSON than any command needs; deeper input would only exhaust the stack of a validator. */
export const MAX_JSON_DEPTH = 16;

/** Keys that reach object prototypes in naive merges: refused like any unknown field, never dropped. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What no body may contain, found without recursion (so no input can overflow the stack):
 * nesting deeper than MAX_JSON_DEPTH and prototype keys, each named by its path.
 */
/** With the u flag, a surrogate matches only where it stands alone (a pair is one code point). */
const LONE_SURROGATE = /\p{Cs}/u;

export const jsonShapeProblems = (
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
  /** Where the value sits in the body (a batch's command: `commands.3`, at depth 2). */
  root = { path: '', depth: 0 },
): FieldError[] => {
  const problems: FieldError[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, ...root }];
  while (pending.length > 0 && problems.length < 20) {
    const { value: node, path, depth } = pending.pop()!;
    // Stored as UTF-8, a lone surrogate would become U+FFFD in some fields and not others.
    if (typeof node === 'string' && LONE_SURROGATE.test(node))
      problems.push({
        field: path || '(body)',
        rules: {
          isWellFormed: `${path || 'the body'} must be well-formed Unicode: it holds a lone UTF-16 surrogate (\\uD800 to \\uDFFF without its pair)`,
        },
      });
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= maxDepth) {
      problems.push({
        field: path || '(body)',
        rules: { maxDepth: `JSON may nest at most ${maxDepth} levels deep` },
      });
      continue;
    }
    for (const key of Object.keys(node)) {
      const child = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key))
        problems.push({
          field: child,
          rules: { whitelistValidation: `property ${key} should not exist` },
        });
      else
        pending.push({
          value: (node as Record<string, unknown>)[key],
          path: child,
          depth: depth + 1,
        });
    }
  }
  return problems;
};

const CALENDAR_DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A calendar day, YYYY-MM-DD, that exists (2026-02-30 does not; Date.parse would take it). */
export const isCalendarDay = (raw: string): boolean =>
  CALENDAR_DAY.test(raw) && isISO8601(raw, { strict: true });

/** An instant with its offset, e.g. 2026-03-01T09:30:00Z, on a day that exists. */
export const isIsoInstant = (raw: string): boolean =>
  INSTANT.test(raw) && isISO8601(raw, { strict: true, strictSeparator: true });

/** Milliseconds of a day (its start, UTC) or an instant; undefined when it is neither. */
export const parseDayOrInstant = (raw: string): number | undefined =>
  isCalendarDay(raw) || isIsoInstant(raw) ? Date.parse(raw) : undefined;

/** Correlation ids and actor names go into every event's metadata: short, plain tokens only. */
export const HEADER_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
export const HEADER_TOKEN_RULE = '1 to 128 letters, digits, ".", "_", ":", "@", "/" or "-"';
