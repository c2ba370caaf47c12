export { readDelivery, LINEAR_MAX_AGE_MS } from './webhook-deliveries';
export type { DeliveryReading, TrackerChange, WebhookHeaders } from './webhook-deliveries';
export { TrackerWebhooks } from './tracker-webhooks';
export type { WebhookAnswer, WebhookOutcome } from './tracker-webhooks';
export { TrackerCommentBack, commentRequest, commentText, linearIssueQuery } from './comment-back';
export type { Waiting } from './comment-back';
