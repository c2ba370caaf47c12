import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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

/** The admin key the demo and the accounts import use against a running heard. */
export const readAdminKey = (file: string | undefined): string => {
  const fromEnv = process.env.HEARD_ADMIN_KEY;
  const path = file ?? join(resolve(process.env.HEARD_DATA_DIR ?? './data'), 'admin.key');
  if (file === undefined && fromEnv) return fromEnv;
  try {
    const key = readFileSync(path, 'utf8').trim();
    if (key) return key;
    console.error(`No admin key: ${path} is empty`);
    process.exit(1);
  } catch {
    console.error(
      `No admin key: ${path} cannot be read. heard writes it on its first start (npm start); or pass --admin-key <file>, or set HEARD_ADMIN_KEY`,
    );
    process.exit(1);
  }
};
