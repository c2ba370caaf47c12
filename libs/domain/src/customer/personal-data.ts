import type { DomainEvent } from '../aggregates';

/**
 * A customer was erased: their data key is destroyed, so every word they told us reads as
 * ERASED from now on, while every event, count and trend stays. It holds no personal data.
 */
export type CustomerErased = {
  type: 'CustomerErased';
  data: { customerId: string; erasedAt: string };
};

/** What a reader sees where an erased customer's words were. */
export const ERASED = '[erased]';

/** The text fields of an event's data: the only ones that can hold a customer's words. */
type TextFieldsOf<Data> = {
  [K in keyof Data]-?: NonNullable<Data[K]> extends string ? K : never;
}[keyof Data];

type EventOf<T extends string> = Extract<DomainEvent | CustomerErased, { type: T }>;

/**
 * For every event type, a decision: which of its text fields hold what a customer told us,
 * or what we wrote about them, stored sealed with the customer's own key (on case streams,
 * where the customer is known). Total on purpose: a new event type does not compile until
 * someone decides, and `[]` says "no personal text here". Ids, enums, times and counts are
 * not personal data and stay readable (CONVENTIONS: personal data never in ids).
 */
export const PERSONAL_FIELDS: {
  readonly [T in (DomainEvent | CustomerErased)['type']]: readonly TextFieldsOf<
    EventOf<T>['data']
  >[];
} = {
  CaseOpened: ['summary', 'desiredOutcome'],
  ContactLogged: ['note', 'reason'],
  ApologyIssued: ['statement', 'thirdParty'],
  CaseHandedOver: ['summary', 'reason'],
  DiagnosisRecorded: ['symptoms', 'rootCause', 'desiredOutcome'],
  FixProposed: ['description'],
  FixApplied: ['note'],
  CaseLinkedToIssue: [],
  CaseEscalated: ['reason'],
  CaseResolved: ['resolution'],
  ResolutionConfirmed: ['note'],
  ResolutionRejected: ['reason'],
  CaseReopened: ['reason'],
  FollowUpScheduled: [],
  FollowUpCompleted: ['note'],
  CaseNoted: ['note'],
  CaseClosed: ['reason'],
  SlaPolicyApplied: [],
  SlaWarningReached: [],
  SlaTargetMet: [],
  SlaTargetBreached: [],
  WaitingStarted: ['reason'],
  WaitingEnded: [],
  PromiseMade: ['promise'],
  PromiseKept: [],
  PromiseBroken: [],
  // The product team's, the company's and the customer record's own words: none a customer's.
  IssueIdentified: [],
  IssueAcknowledged: [],
  FixShipped: [],
  IssueClosed: [],
  TrackerLinked: [],
  TrackerStateChanged: [],
  TrackerCommented: [],
  ChangeAnnounced: [],
  IncidentDeclared: [],
  IncidentResolved: [],
  KpiDefined: [],
  SlaPolicyDefined: [],
  // A company's name and its people's ids: the account, not a customer's words.
  AccountDefined: [],
  CustomerErased: [],
};

export const personalFieldsOf = (type: string): readonly string[] =>
  (PERSONAL_FIELDS as Record<string, readonly string[]>)[type] ?? [];

/** Every field name that holds personal text in some event: what read models copy of them. */
const PERSONAL_FIELD_NAMES: ReadonlySet<string> = new Set(Object.values(PERSONAL_FIELDS).flat());

/**
 * The value with every personal text field (by name, at any depth) replaced by ERASED: how
 * a read model forgets a customer's words and keeps the shape and counts of its rows.
 */
export const erasePersonalFields = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map(erasePersonalFields) as T;
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      PERSONAL_FIELD_NAMES.has(key) && typeof field === 'string'
        ? ERASED
        : erasePersonalFields(field),
    ]),
  ) as T;
};
