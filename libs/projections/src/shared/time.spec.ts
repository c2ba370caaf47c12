import { addDays, dayOf, isoWeekOf } from './time';

describe('time helpers', () => {
  it('names ISO weeks as calendars do, across year ends', () => {
    expect(isoWeekOf(Date.parse('2026-01-01T12:00:00Z'))).toBe('2026-W01');
    expect(isoWeekOf(Date.parse('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(isoWeekOf(Date.parse('2027-01-03T23:59:59Z'))).toBe('2026-W53');
    expect(isoWeekOf(Date.parse('2026-08-31T08:00:00Z'))).toBe('2026-W36');
  });

  it('counts days in UTC', () => {
    expect(dayOf(Date.parse('2026-08-31T23:59:59Z'))).toBe('2026-08-31');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
