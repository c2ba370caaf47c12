import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@heard/config';
import {
  ACCESS_ROLES,
  ApiKeys,
  isAccessRole,
  KEY_NAME,
  KEY_NAME_RULE,
  KeyNameTaken,
} from '@heard/security';
import { openReadStore } from '@heard/read-store';

/**
 * API keys, straight on the read store (HEARD_READ_STORE), so that an operator who lost the
 * admin key can make another: whoever can run this can read the stores anyway.
 */
export const registerKeys = (program: Command): void => {
  const keys = program
    .command('keys')
    .description('Make, list and revoke API keys (on HEARD_READ_STORE)');
  const withKeys = async (work: (keys: ApiKeys) => Promise<void>) => {
    const reads = await openReadStore(loadConfig().readStore);
    try {
      await work(new ApiKeys(reads));
    } finally {
      await reads.close();
    }
  };
  keys
    .command('create')
    .description('Make a key and print its secret, once')
    .requiredOption(
      '--name <name>',
      `its identity, recorded as the actor of what it writes: ${KEY_NAME_RULE}`,
    )
    .requiredOption('--role <role>', `one of ${ACCESS_ROLES.join(', ')}`)
    .option('--sees-customer-ids', 'customer ids in the clear on customer-level lists (analysts)')
    .action(async (opts: { name: string; role: string; seesCustomerIds?: boolean }) => {
      if (!KEY_NAME.test(opts.name))
        throw new InvalidArgumentError(`--name must be ${KEY_NAME_RULE}`);
      if (!isAccessRole(opts.role))
        throw new InvalidArgumentError(`--role must be one of ${ACCESS_ROLES.join(', ')}`);
      const role = opts.role;
      await withKeys(async (apiKeys) => {
        try {
          const { record, token } = await apiKeys.create({
            name: opts.name,
            role,
            seesCustomerIds: opts.seesCustomerIds ?? false,
            createdBy: 'heard keys create',
          });
          console.error(
            `key ${record.keyId} (${record.name}, ${record.role}); the secret is shown once:`,
          );
          console.log(token);
        } catch (error) {
          if (!(error instanceof KeyNameTaken)) throw error;
          console.error(`heard: ${error.message}`);
          process.exitCode = 1;
        }
      });
    });
  keys
    .command('list')
    .description('Every key, live and revoked, without secrets')
    .action(() =>
      withKeys(async (apiKeys) => {
        for (const key of await apiKeys.list())
          console.log(
            [
              key.keyId,
              key.name,
              key.role,
              key.revokedAt ? `revoked ${key.revokedAt}` : 'live',
              `made ${key.createdAt} by ${key.createdBy}`,
            ].join('\t'),
          );
      }),
    );
  keys
    .command('revoke')
    .description('Revoke a key: refused at once, on every instance')
    .argument('<keyId>')
    .action((keyId: string) =>
      withKeys(async (apiKeys) => {
        const record = await apiKeys.revoke(keyId, 'heard keys revoke');
        if (!record) {
          console.error(`heard: no API key ${keyId}`);
          process.exitCode = 1;
          return;
        }
        console.log(`key ${record.keyId} (${record.name}) revoked at ${record.revokedAt}`);
      }),
    );
};
