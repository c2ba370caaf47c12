export const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (UTC) of an instant. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Epoch ms of a `YYYY-MM-DD` day's start (UTC). */
const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** The day `n` days after (or before, when negative) `day`. */
export const addDays = (day: string, n: number): string => dayOf(dayStart(day) + n * DAY_MS);

/** ISO 8601 week of an instant, as `YYYY-Www` (weeks start on Monday; UTC). */
export const isoWeekOf = (ms: number): string => {
  const date = new Date(ms);
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  // The Thursday of this week decides the week's year.
  const thursday = Date.UTC(
    date.getUTCFullYear(),
    date.getUTCMonth(),
    date.getUTCDate() - weekday + 3,
  );
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
};

/** Business time of an event, never later than when the store recorded it. */
export const businessMs = (metadata: { occurredAt: string; recordedAt: string }): number =>
  Math.min(Date.parse(metadata.occurredAt), Date.parse(metadata.recordedAt));
