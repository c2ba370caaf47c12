export { defaultRebuildThreads, rebuildInParallel } from './parallel-rebuild';
export { ThreadedOutboxRelay, ThreadedEventPublisher } from './threaded-outbound';
export { ThreadedProjectionRunner } from './threaded-projection-runner';
