/**
 * Who may do what. A caller proves who it is with a credential (an API key, a JWT, or, on
 * Kafka, the topic's ACL); the credential carries roles; every route and every command has
 * an access rule naming the roles it admits. `admin` is admitted everywhere.
 */
export { ACCESS_ROLES, isAccessRole, type AccessRole } from '@heard/config';
import type { AccessRole } from '@heard/config';

/** How a caller proved who it is. */
export type CredentialKind = 'api-key' | 'jwt' | 'admin-key' | 'kafka-topic' | 'auth-off';

/** The caller of a request or the producer of a Kafka command, as its credential proves it. */
export interface Principal {
  /** The name its credential gives: an API key's name, a JWT's subject, a Kafka app. */
  id: string;
  /**
   * Who it is across credential kinds (`key:<name>`, `jwt:<subject>`, `kafka:<app>`,
   * `admin-key`, `local`): the actor recorded and the scope of its idempotency keys, so an
   * API key, a JWT subject and a Kafka app of one name are never taken for one another.
   */
  ref: string;
  roles: readonly AccessRole[];
  credential: CredentialKind;
  /** Granted to a key at creation: customer ids in the clear on customer-level lists. */
  seesCustomerIds: boolean;
}

/**
 * What a route admits: callers holding one of `roles` (admin always), anyone (`open`), or
 * what HEARD_METRICS_ACCESS / HEARD_DOCS_ACCESS say (`ops`, `docs`).
 */
export type Access =
  | { kind: 'roles'; roles: readonly AccessRole[] }
  | { kind: 'open' }
  | { kind: 'ops' }
  | { kind: 'docs' };

export const rolesAccess = (...roles: AccessRole[]): Access => ({ kind: 'roles', roles });

/** The roles an access rule admits, admin included. */
export const admittedRoles = (access: Extract<Access, { kind: 'roles' }>): AccessRole[] => [
  ...new Set<AccessRole>([...access.roles, 'admin']),
];

export const holdsOneOf = (principal: Principal, roles: readonly AccessRole[]): boolean =>
  principal.roles.some((role) => role === 'admin' || roles.includes(role));

/** What a JWT subject, a Kafka app's name and any other actor id must be. */
export const ACTOR_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
export const ACTOR_ID_RULE = '1 to 128 letters, digits, ".", "_", ":", "@", "/" or "-"';

/** Only an upstream app (or a local heard without auth) may name the agent it acts for. */
export const mayActFor = (principal: Principal): boolean =>
  principal.roles.includes('integration') || principal.credential === 'auth-off';

/** Who may credit work to an agent other than itself: apps, supervisors, admins, a local heard. */
export const mayCreditOthers = (principal: Principal): boolean =>
  mayActFor(principal) || principal.roles.some((role) => role === 'supervisor' || role === 'admin');

/**
 * Customer-level lists show pseudonyms to a caller whose only reason to read them is
 * analysis (analyst), unless its key was granted customer ids.
 */
export const seesPseudonyms = (principal: Principal): boolean =>
  !principal.seesCustomerIds && principal.roles.every((role) => role === 'analyst');

/** The actor kind an event records for a caller: an app for integrations and Kafka, else a person. */
export const actorKindOf = (principal: Principal): 'agent' | 'app' =>
  principal.roles.includes('integration') ||
  principal.credential === 'kafka-topic' ||
  principal.credential === 'auth-off'
    ? 'app'
    : 'agent';
