import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import { ApiKeys, BOOTSTRAP_ADMIN, KeyNameTaken } from '@heard/security';

const ADMIN_KEY_FILE = 'admin.key';

/**
 * heard is closed from its first start: without HEARD_ADMIN_KEY, a store that has never had
 * a key gets an admin key, written to admin.key in the data folder, readable by its owner only.
 */
@Injectable()
export class AdminKeyBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('access');

  constructor(
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
    @Inject(ApiKeys) private readonly keys: ApiKeys,
  ) {}

  async onApplicationBootstrap() {
    const { auth, dataDir } = this.config;
    if (!auth.enabled) {
      this.logger.warn(
        'HEARD_AUTH=off: every caller on this machine may do everything, unauthenticated (loopback only)',
      );
      return;
    }
    if (auth.adminKey !== undefined || !(await this.keys.isEmpty())) return;
    let token: string;
    try {
      ({ token } = await this.keys.create({
        name: BOOTSTRAP_ADMIN,
        role: 'admin',
        createdBy: 'first start',
      }));
    } catch (error) {
      // Another instance starting at the same time made it.
      if (error instanceof KeyNameTaken) return;
      throw error;
    }
    const file = join(dataDir, ADMIN_KEY_FILE);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    this.logger.log(
      `First start: an admin API key was made and written to ${file} (readable by you only). Send it as Authorization: Bearer $(cat ${file})`,
    );
  }
}
