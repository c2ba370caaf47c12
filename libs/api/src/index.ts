export { ApiModule, OpsRoutesModule } from './api.module';
export { createHttpApp } from './http/create-app';
export { TurnBudget } from './http/turn-budget';
export { installAccessControl, routeAccessList, RouteWithoutAccess } from './http/access-control';
export type { RouteAccess } from './http/access-control';
export { OpsListener } from './ops/ops-listener';
