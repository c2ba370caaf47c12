import { InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';

export const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
};

export const bar = (label: string) =>
  new SingleBar(
    { format: `${label} |{bar}| {percentage}% | {value}/{total} events | {eta}s left` },
    Presets.shades_classic,
  );
