export { readDelivery, LINEAR_MAX_AGE_MS } from './webhook-deliveries';
export type { DeliveryReading, TrackerChange, WebhookHeaders } from './webhook-deliveries';
export { TrackerWebhooks } from './tracker-webhooks';
export type { WebhookAnswer, WebhookOutcome } from './tracker-webhooks';
