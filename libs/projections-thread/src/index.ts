export * from './parallel-rebuild';
export * from './threaded-outbound';
export * from './threaded-projection-runner';
