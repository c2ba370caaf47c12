import { DEFAULT_SPIKE_RULE, readTrend, stillSpiking, trendWindow } from './spike-rule';

const rule = DEFAULT_SPIKE_RULE; // 7-day window, 28-day baseline, 10 cases, 2x

describe('spike rule', () => {
  it('marks a doubled daily rate with enough cases as a spike', () => {
    // baseline 28 cases in 28 days = 1/day; window 14 in 7 days = 2/day
    const reading = readTrend('2026-08-31', 14, 28, rule);
    expect(reading).toMatchObject({ windowPerDay: 2, baselinePerDay: 1, ratio: 2, spiking: true });
  });

  it('never calls a handful of cases a spike, however steep', () => {
    expect(readTrend('2026-08-31', 9, 0, rule)).toMatchObject({ recurring: false, spiking: false });
    expect(readTrend('2026-08-31', 9, 1, rule).spiking).toBe(false);
  });

  it('calls a new problem with enough cases a spike (no baseline to compare)', () => {
    expect(readTrend('2026-08-31', 10, 0, rule)).toMatchObject({ ratio: null, spiking: true });
  });

  it('keeps a steady recurring problem recurring but not spiking', () => {
    expect(readTrend('2026-08-31', 20, 80, rule)).toMatchObject({
      recurring: true,
      spiking: false,
    });
  });

  it('keeps a spike until its rate falls below three quarters of the threshold', () => {
    // 2x is needed to start spiking; 1.6x keeps it, 1.4x calms it.
    expect(readTrend('2026-08-31', 16, 40, rule).spiking).toBe(false);
    expect(stillSpiking(readTrend('2026-08-31', 16, 40, rule), rule)).toBe(true);
    expect(stillSpiking(readTrend('2026-08-31', 14, 40, rule), rule)).toBe(false);
    expect(stillSpiking(readTrend('2026-08-31', 9, 0, rule), rule)).toBe(false);
  });

  it('ends the window on the day of reference and puts the baseline right before it', () => {
    expect(trendWindow('2026-08-31', rule)).toEqual({
      windowFrom: '2026-08-25',
      baselineFrom: '2026-07-28',
      asOf: '2026-08-31',
    });
  });
});
