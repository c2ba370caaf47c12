import { DateTime, Duration, IANAZone } from 'luxon';

/** Weekdays as the policies name them, in ISO order (Monday is 1). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * When an SLA's clocks run: business hours per weekday in one time zone (local wall-clock
 * times, so a DST change moves them with the office), minus whole-day holidays.
 */
export interface SlaCalendar {
  /** An IANA name such as Europe/Berlin. */
  timeZone: string;
  /** `24x7`, or per weekday a list of `HH:MM-HH:MM` ranges (end up to 24:00); a day left out is closed. */
  hours: '24x7' | Partial<Record<Weekday, string[]>>;
  /** Local dates (YYYY-MM-DD) on which the clocks stand still all day. */
  holidays: string[];
}

/** A rule a policy's field broke: the field's path, the rule's name and a sentence. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The furthest ahead a clock is computed: a calendar open ten years from now is a mistake. */
const MAX_DAYS = 3660;

const minutesOf = (range: string): [number, number] | undefined => {
  const m = RANGE.exec(range);
  if (!m) return undefined;
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  return to > 1440 ? undefined : [from, to];
};

/** What is wrong with a calendar, field by field (empty when it is sound). */
export const calendarProblems = (calendar: SlaCalendar, at = 'calendar'): FieldProblem[] => {
  const problems: FieldProblem[] = [];
  if (typeof calendar.timeZone !== 'string' || !IANAZone.isValidZone(calendar.timeZone))
    problems.push({
      field: `${at}.timeZone`,
      rule: 'isTimeZone',
      message: `${at}.timeZone must be an IANA time zone such as Europe/Berlin or America/New_York`,
    });
  if (calendar.hours !== '24x7') {
    if (!calendar.hours || typeof calendar.hours !== 'object' || Array.isArray(calendar.hours))
      problems.push({
        field: `${at}.hours`,
        rule: 'isHours',
        message: `${at}.hours must be "24x7" or an object of weekdays (${WEEKDAYS.join(', ')}), each a list of "HH:MM-HH:MM" ranges`,
      });
    else {
      let open = 0;
      for (const [day, ranges] of Object.entries(calendar.hours)) {
        const field = `${at}.hours.${day}`;
        if (!(WEEKDAYS as readonly string[]).includes(day)) {
          problems.push({
            field,
            rule: 'isWeekday',
            message: `${day} is not a weekday; the weekdays: ${WEEKDAYS.join(', ')}`,
          });
          continue;
        }
        if (!Array.isArray(ranges)) {
          problems.push({
            field,
            rule: 'isRanges',
            message: `${field} must be a list of "HH:MM-HH:MM" ranges`,
          });
          continue;
        }
        const spans: Array<[number, number]> = [];
        for (const range of ranges) {
          const span = typeof range === 'string' ? minutesOf(range) : undefined;
          if (!span)
            problems.push({
              field,
              rule: 'isRange',
              message: `${field}: ${JSON.stringify(range)} is not a "HH:MM-HH:MM" range (00:00 to 24:00)`,
            });
          else if (span[1] <= span[0])
            problems.push({
              field,
              rule: 'isNotInverted',
              message: `${field}: ${range} ends before it starts; a range ends later the same day`,
            });
          else spans.push(span);
        }
        spans.sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < spans.length; i++)
          if (spans[i]![0] < spans[i - 1]![1])
            problems.push({
              field,
              rule: 'isNotOverlapping',
              message: `${field}: the ranges overlap; give each hour once`,
            });
        open += spans.length;
      }
      if (open === 0 && problems.length === 0)
        problems.push({
          field: `${at}.hours`,
          rule: 'isOpenSometimes',
          message: `${at}.hours opens on no weekday; the clocks would never run`,
        });
    }
  }
  if (!Array.isArray(calendar.holidays))
    problems.push({
      field: `${at}.holidays`,
      rule: 'isDates',
      message: `${at}.holidays must be a list of dates (YYYY-MM-DD)`,
    });
  else
    for (const day of calendar.holidays)
      if (typeof day !== 'string' || !DATE.test(day) || !DateTime.fromISO(day).isValid)
        problems.push({
          field: `${at}.holidays`,
          rule: 'isDate',
          message: `${at}.holidays: ${JSON.stringify(day)} is not a date (YYYY-MM-DD)`,
        });
  return problems;
};

/**
 * An ISO 8601 duration in milliseconds, for SLA targets and escalation delays: weeks,
 * days, hours, minutes and seconds (a day is 24 hours of the calendar's time). Years and
 * months have no fixed length and are refused; so is anything that does not parse.
 */
export const durationMs = (iso: string): number | undefined => {
  if (typeof iso !== 'string') return undefined;
  const d = Duration.fromISO(iso);
  if (!d.isValid || d.years || d.months || d.quarters) return undefined;
  return d.toMillis();
};

interface Span {
  from: number;
  to: number;
}

/** The instant of a local wall-clock minute on a local day (24:00 is the next day's start). */
const instantOf = (day: DateTime, minutes: number, zone: string): number =>
  minutes >= 1440
    ? day.plus({ days: 1 }).startOf('day').toMillis()
    : DateTime.fromObject(
        {
          year: day.year,
          month: day.month,
          day: day.day,
          hour: Math.floor(minutes / 60),
          minute: minutes % 60,
        },
        { zone },
      ).toMillis();

/** The business spans of one local day, in order. */
const spansOf = (calendar: SlaCalendar, day: DateTime): Span[] => {
  if (calendar.holidays.includes(day.toISODate() ?? '')) return [];
  if (calendar.hours === '24x7')
    return [{ from: day.toMillis(), to: day.plus({ days: 1 }).startOf('day').toMillis() }];
  const ranges = calendar.hours[WEEKDAYS[day.weekday - 1]!] ?? [];
  return ranges
    .map((range) => minutesOf(range)!)
    .sort((a, b) => a[0] - b[0])
    .map(([a, b]) => ({
      from: instantOf(day, a, calendar.timeZone),
      to: instantOf(day, b, calendar.timeZone),
    }))
    .filter((span) => span.to > span.from);
};

const dayOf = (calendar: SlaCalendar, ms: number) =>
  DateTime.fromMillis(ms, { zone: calendar.timeZone }).startOf('day');

const is24x7 = (calendar: SlaCalendar) =>
  calendar.hours === '24x7' && calendar.holidays.length === 0;

/**
 * The instant at which `ms` of business time has passed since `start`. With holidays, a
 * 24x7 calendar skips them whole.
 */
export const addBusinessTime = (calendar: SlaCalendar, start: number, ms: number): number => {
  if (ms <= 0) return start;
  if (is24x7(calendar)) return start + ms;
  let left = ms;
  let day = dayOf(calendar, start);
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const span of spansOf(calendar, day)) {
      const from = Math.max(span.from, start);
      if (span.to <= from) continue;
      if (left <= span.to - from) return from + left;
      left -= span.to - from;
    }
  }
  throw new RangeError(`The calendar gives less than ${ms} ms of business time in ten years`);
};

/** Business time between two instants (0 when `to` is not after `from`). */
export const businessTimeBetween = (calendar: SlaCalendar, from: number, to: number): number => {
  if (to <= from) return 0;
  if (is24x7(calendar)) return to - from;
  let total = 0;
  let day = dayOf(calendar, from);
  for (let i = 0; i < MAX_DAYS && day.toMillis() < to; i++, day = day.plus({ days: 1 })) {
    for (const span of spansOf(calendar, day))
      total += Math.max(0, Math.min(span.to, to) - Math.max(span.from, from));
  }
  return total;
};
