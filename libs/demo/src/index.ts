export { demoHistory, DEMO_DEFAULTS, DEMO_DEFECT_ISSUE, DEMO_IVR_CHANGE } from './demo-history';
export type { DemoOptions } from './demo-history';
export { loadOverHttp, answerDueFollowUps, withDemoKeys } from './demo-loader';
