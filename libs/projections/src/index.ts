import { caseViewProjection } from './case-view/case-view.projection';
import { timelineProjection } from './timeline/timeline.projection';

export * from './read-store/read-store.port';
export * from './read-store/sqlite-read-store';
export * from './projection';
export * from './projection-runner';
export * from './case-view/case-view.projection';
export * from './timeline/timeline.projection';
export * from './timeline/customer-summary';

export const defaultProjections = () => [caseViewProjection, timelineProjection];
