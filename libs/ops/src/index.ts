export * from './health-watch';
export * from './metrics';
