import {
  addBusinessTime,
  businessTimeBetween,
  calendarProblems,
  durationMs,
  type SlaCalendar,
} from './calendar';

const berlin: SlaCalendar = {
  timeZone: 'Europe/Berlin',
  hours: {
    mon: ['09:00-17:00'],
    tue: ['09:00-17:00'],
    wed: ['09:00-17:00'],
    thu: ['09:00-17:00'],
    fri: ['09:00-12:00', '13:00-17:00'],
  },
  holidays: ['2026-12-25'],
};
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('business time', () => {
  it('runs only within the hours: Thursday 16:00 plus 2 hours is Friday 10:00', () => {
    // 2026-03-05 is a Thursday; Berlin is UTC+1 in March before the change.
    expect(iso(addBusinessTime(berlin, at('2026-03-05T15:00:00Z'), 2 * HOUR))).toBe(
      '2026-03-06T09:00:00.000Z',
    );
  });

  it('skips the lunch break and the weekend', () => {
    // Friday 11:00 local + 4 h: 1 h to noon, 3 h after lunch: 16:00 local.
    expect(iso(addBusinessTime(berlin, at('2026-03-06T10:00:00Z'), 4 * HOUR))).toBe(
      '2026-03-06T15:00:00.000Z',
    );
    // Friday 16:30 local + 1 h: 30 min on Friday, 30 min on Monday: 09:30 local.
    expect(iso(addBusinessTime(berlin, at('2026-03-06T15:30:00Z'), HOUR))).toBe(
      '2026-03-09T08:30:00.000Z',
    );
  });

  it('keeps the office hours in local time across the spring DST change', () => {
    // Berlin moves to UTC+2 on Sunday 2026-03-29: Friday 16:00 (15:00Z) + 2 h is Monday
    // 10:00 local, which is 08:00Z, not 09:00Z.
    expect(iso(addBusinessTime(berlin, at('2026-03-27T15:00:00Z'), 2 * HOUR))).toBe(
      '2026-03-30T08:00:00.000Z',
    );
  });

  it('counts a 24x7 day across the autumn change as the 25 hours it lasts', () => {
    const always: SlaCalendar = { timeZone: 'Europe/Berlin', hours: '24x7', holidays: [] };
    expect(
      businessTimeBetween(always, at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z')),
    ).toBe(25 * HOUR);
    const withHoliday = { ...always, holidays: ['2026-10-25'] };
    // Saturday 23:00 local + 2 h: 1 h to midnight; Sunday 25 October is a holiday, all 25
    // hours of it; 1 h after Monday's local midnight (23:00Z, back on UTC+1).
    expect(iso(addBusinessTime(withHoliday, at('2026-10-24T21:00:00Z'), 2 * HOUR))).toBe(
      '2026-10-26T00:00:00.000Z',
    );
  });

  it('stands still on holidays', () => {
    // Thursday 24 December 16:00 local + 2 h: 1 h that day; Friday the 25th is a holiday and
    // the 26th a Saturday, so the second hour ends Monday the 28th at 10:00 local.
    expect(iso(addBusinessTime(berlin, at('2026-12-24T15:00:00Z'), 2 * HOUR))).toBe(
      '2026-12-28T09:00:00.000Z',
    );
  });

  it('measures business time between two instants', () => {
    expect(
      businessTimeBetween(berlin, at('2026-03-06T10:00:00Z'), at('2026-03-09T09:00:00Z')),
    ).toBe(5 * HOUR + HOUR); // Friday 11:00–17:00 less lunch, then Monday 09:00–10:00
    expect(
      businessTimeBetween(berlin, at('2026-03-07T10:00:00Z'), at('2026-03-08T10:00:00Z')),
    ).toBe(0);
  });
});

describe('calendar rules', () => {
  it('names every broken field', () => {
    const problems = calendarProblems({
      timeZone: 'Mars/Olympus',
      hours: { mon: ['17:00-09:00'], tue: ['09:00-12:00', '11:00-13:00'], funday: ['09:00-10:00'] },
      holidays: ['2026-02-30'],
    } as unknown as SlaCalendar);
    expect(problems.map((p) => [p.field, p.rule])).toEqual([
      ['calendar.timeZone', 'isTimeZone'],
      ['calendar.hours.mon', 'isNotInverted'],
      ['calendar.hours.tue', 'isNotOverlapping'],
      ['calendar.hours.funday', 'isWeekday'],
      ['calendar.holidays', 'isDate'],
    ]);
    expect(calendarProblems(berlin)).toEqual([]);
  });

  it('reads ISO 8601 durations in minutes up to weeks, and refuses months and years', () => {
    expect(durationMs('PT1M')).toBe(60_000);
    expect(durationMs('P1DT2H')).toBe(26 * HOUR);
    expect(durationMs('P1M')).toBeUndefined();
    expect(durationMs('P1Y')).toBeUndefined();
    expect(durationMs('soon')).toBeUndefined();
  });
});
