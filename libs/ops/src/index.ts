export { HealthWatch } from './health-watch';
export { Metrics } from './metrics';
export type { LoadShedding } from './metrics';
export type { HealthReport } from './health-watch';
