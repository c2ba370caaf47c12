export type ActorKind = 'agent' | 'team' | 'app' | 'customer' | 'system';

export interface Actor {
  id: string;
  kind: ActorKind;
  role?: string;
  /** The upstream app that acted for this agent ("agent ana via crm-app"). */
  via?: string;
}

/** Carried by every recorded event. */
export interface EventMetadata {
  eventId: string;
  commandId: string;
  correlationId: string;
  causationId: string;
  actor: Actor;
  /** Business time: when it happened. */
  occurredAt: string;
  /** When the store recorded it. */
  recordedAt: string;
  schemaVersion: number;
}

/** The schema version written today for every event type; bump per type when its data changes. */
export const CURRENT_SCHEMA_VERSION = 1;
