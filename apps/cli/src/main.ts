import 'reflect-metadata';
import { Command } from 'commander';
import { StartRefused } from '@heard/config';
import { registerAccounts } from './accounts';
import { registerDemo } from './demo';
import { registerKeys } from './keys';
import { registerMigrate } from './migrate';
import { registerRebuild } from './rebuild';
import { registerStart } from './start';
import { registerStoreCopy } from './store-copy';

/** heard's command line: one file per subcommand. */
const program = new Command('heard').description('heard command-line tools').showHelpAfterError();
registerStart(program);
registerDemo(program);
registerRebuild(program);
registerMigrate(program);
registerKeys(program);
registerStoreCopy(program);
registerAccounts(program);

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof StartRefused ? `heard: ${error.message}` : error);
  process.exit(1);
});
