export * from './config';
export * from './instance-lock';
