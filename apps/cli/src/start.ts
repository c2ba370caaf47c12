import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';

/**
 * `heard start`: the service, as `npm start` runs it. In a process of its own, because
 * `--expose-gc` (which lets heard give memory back when quiet) must be on Node's command
 * line; signals are passed on, and its exit code is this command's.
 */
export const registerStart = (program: Command) => {
  program
    .command('start')
    .description(
      'Start heard (settings from the environment: PORT, HEARD_DATA_DIR, … see docs/configuration.md)',
    )
    .action(() => {
      const main = join(__dirname, '..', '..', 'heard', 'src', 'main.js');
      const child = spawn(process.execPath, ['--expose-gc', main], { stdio: 'inherit' });
      for (const signal of ['SIGINT', 'SIGTERM'] as const)
        process.on(signal, () => child.kill(signal));
      child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    });
};
