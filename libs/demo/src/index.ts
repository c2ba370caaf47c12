export * from './random';
export * from './demo-history';
export * from './demo-loader';
