export * from './heard.module';
export * from './http/create-app';
export * from './http/errors';
export * from './http/error.filter';
export * from './ops/ops-listener';
export { installAccessControl, routeAccessList, RouteWithoutAccess } from './http/access-control';
