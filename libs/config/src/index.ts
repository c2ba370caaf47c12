export * from './config';
export * from './data-folder-lock';
