export {
  ACCESS_ROLES,
  isAccessRole,
  rolesAccess,
  admittedRoles,
  holdsOneOf,
  mayActFor,
  mayCreditOthers,
  seesPseudonyms,
  actorKindOf,
} from './access';
export type { AccessRole, Principal, Access } from './access';
export { KEY_NAME, KEY_NAME_RULE, KeyNameTaken, ApiKeys } from './api-keys';
export type { ApiKeyRecord } from './api-keys';
export { BOOTSTRAP_ADMIN, Authenticator } from './authenticator';
export { InvalidCredential } from './jwt-verifier';
export { TooManyFailedChecks } from './failed-attempts';
export { resolveMasterKey, Pseudonyms } from './master-key';
export { CustomerKeysUnavailable, CustomerKeys, copyCustomerKeys } from './customer-keys';
export {
  sealedCustomersWithoutKeys,
  refuseMissingCustomerKeys,
  PersonalDataEventStore,
} from './personal-data-event-store';
