import { round } from '../shared/numbers';
import { addDays } from '../shared/time';

/**
 * When a recurring problem spikes. Counts are cases opened per day; the window is the
 * `windowDays` days ending on the day of reference, the baseline the `baselineDays` before it.
 */
export interface SpikeRule {
  windowDays: number;
  baselineDays: number;
  /** Fewer cases than this in the window is a handful, never a spike (nor a recurring problem). */
  minCases: number;
  /** The window's daily rate must reach this multiple of the baseline's. */
  ratio: number;
}

export const DEFAULT_SPIKE_RULE: SpikeRule = {
  windowDays: 7,
  baselineDays: 28,
  minCases: 10,
  ratio: 2,
};

export interface TrendReading {
  /** The day of reference (the window's last day). */
  asOf: string;
  windowCases: number;
  baselineCases: number;
  windowPerDay: number;
  baselinePerDay: number;
  /** windowPerDay / baselinePerDay; null when the baseline is empty (a new problem). */
  ratio: number | null;
  /** At least minCases in the window. */
  recurring: boolean;
  /** Recurring, and at least `ratio` times the baseline rate (or new). */
  spiking: boolean;
}

export const trendWindow = (asOf: string, rule: SpikeRule) => {
  const windowFrom = addDays(asOf, -(rule.windowDays - 1));
  return { windowFrom, baselineFrom: addDays(windowFrom, -rule.baselineDays), asOf };
};

/**
 * A spike calms down only once its rate falls below this share of the spiking ratio (or its
 * window holds fewer than minCases): a rate hovering at the threshold, or history loaded
 * out of order, does not flap between spiking and calm.
 */
const CALM_SHARE = 0.75;

/** The reading for a group that is spiking now: does it still count as spiking? */
export const stillSpiking = (reading: TrendReading, rule: SpikeRule): boolean =>
  reading.recurring && (reading.ratio === null || reading.ratio >= rule.ratio * CALM_SHARE);

export const readTrend = (
  asOf: string,
  windowCases: number,
  baselineCases: number,
  rule: SpikeRule,
): TrendReading => {
  const windowPerDay = windowCases / rule.windowDays;
  const baselinePerDay = baselineCases / rule.baselineDays;
  const ratio = baselinePerDay > 0 ? windowPerDay / baselinePerDay : null;
  const recurring = windowCases >= rule.minCases;
  return {
    asOf,
    windowCases,
    baselineCases,
    windowPerDay: round(windowPerDay),
    baselinePerDay: round(baselinePerDay),
    ratio: ratio === null ? null : round(ratio),
    recurring,
    spiking: recurring && (ratio === null || ratio >= rule.ratio),
  };
};

/** The rule in words, as the report and the trend messages state it. */
export const describeSpikeRule = (rule: SpikeRule): string =>
  `spiking: at least ${rule.minCases} cases opened in the ${rule.windowDays} days to the day of reference, ` +
  `at a daily rate of at least ${rule.ratio}x the ${rule.baselineDays} days before (or with none before); ` +
  `calm again below ${Math.round(rule.ratio * CALM_SHARE * 100) / 100}x or under ${rule.minCases} cases`;
