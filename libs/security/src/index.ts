export * from './access';
export * from './api-key-secrets';
export * from './api-keys';
export * from './authenticator';
export * from './jwt-verifier';
export * from './failed-attempts';
export * from './master-key';
