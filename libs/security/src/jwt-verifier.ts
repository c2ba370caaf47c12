import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { JwtConfig } from '@heard/config';
import { ACTOR_ID, ACTOR_ID_RULE, isAccessRole, type AccessRole, type Principal } from './access';

/** A token that does not prove anything: the reason goes into WWW-Authenticate. */
export class InvalidCredential extends Error {
  override readonly name = 'InvalidCredential';
}

/** Signature algorithms accepted; `none` and HMAC (a shared secret) never are. */
const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];

const claimAt = (payload: JWTPayload, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (value, part) =>
        value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined,
      payload,
    );

/** Bearer JWTs from the organisation's identity provider, checked with jose. */
export class JwtVerifier {
  private readonly key: KeyObject | ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: JwtConfig) {
    this.key = config.jwksUrl
      ? createRemoteJWKSet(new URL(config.jwksUrl))
      : createPublicKey(config.publicKeyPem ?? '');
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      const options = {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
      };
      ({ payload } =
        typeof this.key === 'function'
          ? await jwtVerify(token, this.key, options)
          : await jwtVerify(token, this.key, options));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new InvalidCredential('the token has expired');
      if (error instanceof errors.JWTClaimValidationFailed)
        throw new InvalidCredential(`the token's ${error.claim} claim is not accepted`);
      if (error instanceof errors.JOSEError)
        throw new InvalidCredential('the token is not signed by the configured identity provider');
      // When the token's algorithm does not fit the key's family (ES256 or EdDSA against an
      // RSA key), jose throws a TypeError, or on Node 24 WebCrypto's DOMException (DataError):
      // a token that proves nothing, not a fault of ours.
      if (error instanceof TypeError || error instanceof DOMException)
        throw new InvalidCredential(
          "the token's algorithm does not fit the configured identity provider's key",
        );
      throw error;
    }
    // The subject becomes an actor id: held to the same rule as every other.
    if (!ACTOR_ID.test(payload.sub!))
      throw new InvalidCredential(`the token's sub claim must be ${ACTOR_ID_RULE}`);
    const claimed = claimAt(payload, this.config.roleClaim);
    // A token without a heard role proves who its holder is and grants nothing: 403 everywhere.
    const roles = (Array.isArray(claimed) ? claimed : [claimed]).filter(isAccessRole);
    return {
      id: payload.sub!,
      ref: `jwt:${payload.sub!}`,
      roles: [...new Set<AccessRole>(roles)],
      credential: 'jwt',
      seesCustomerIds: false,
    };
  }
}
