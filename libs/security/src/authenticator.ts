import type { AuthConfig } from '@heard/config';
import type { Principal } from './access';
import { looksLikeApiKey, sameSecret } from './api-key-secrets';
import type { ApiKeys } from './api-keys';
import { FailedAttempts, TooManyFailedChecks } from './failed-attempts';
import { InvalidCredential, JwtVerifier } from './jwt-verifier';

/** The identity of the bootstrap key from HEARD_ADMIN_KEY. */
export const BOOTSTRAP_ADMIN = 'admin';

/** Whoever may call when HEARD_AUTH=off (loopback only): trusted like an upstream app and an admin. */
const LOCAL_CALLER: Principal = {
  id: 'local',
  ref: 'local',
  roles: ['admin', 'integration'],
  credential: 'auth-off',
  seesCustomerIds: true,
};

/** Turns the Authorization header into the caller it proves, or says why not. */
export class Authenticator {
  private readonly jwt?: JwtVerifier;

  constructor(
    private readonly config: AuthConfig,
    private readonly keys: ApiKeys,
    private readonly slowChecks = new FailedAttempts(),
  ) {
    if (config.jwt) this.jwt = new JwtVerifier(config.jwt);
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  /**
   * undefined: no credential was presented. Throws InvalidCredential for one that proves
   * nothing, TooManyFailedChecks when its slow check is over budget (see FailedAttempts).
   */
  async authenticate(authorization: string | undefined): Promise<Principal | undefined> {
    if (!this.config.enabled) return LOCAL_CALLER;
    if (authorization === undefined || authorization === '') return undefined;
    const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
    if (!match) throw new InvalidCredential('send Authorization: Bearer <API key or JWT>');
    const token = match[1]!;
    if (this.config.adminKey !== undefined && sameSecret(token, this.config.adminKey))
      return {
        id: BOOTSTRAP_ADMIN,
        ref: 'admin-key',
        roles: ['admin'],
        credential: 'admin-key',
        seesCustomerIds: true,
      };
    if (looksLikeApiKey(token)) {
      const key = await this.keys.verify(token, (keyId) => {
        // Per key id, not per address: behind a proxy every caller shares one address.
        const done = this.slowChecks.begin([`key:${keyId}`]);
        if (typeof done === 'number') throw new TooManyFailedChecks(done);
        return done;
      });
      if (!key) throw new InvalidCredential('the API key is unknown or revoked');
      return {
        id: key.name,
        ref: `key:${key.name}`,
        roles: [key.role],
        credential: 'api-key',
        seesCustomerIds: key.seesCustomerIds || key.role === 'admin',
      };
    }
    if (this.jwt) return this.jwt.verify(token);
    throw new InvalidCredential(
      'the token is not a heard API key, and no JWT issuer is configured',
    );
  }
}
