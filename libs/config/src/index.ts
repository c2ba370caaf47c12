export * from './config';
export * from './data-folder-lock';
export * from './start-refused';
export * from './reachable';
export * from './access-roles';
export * from './idle-collector';
export * from './settings';
