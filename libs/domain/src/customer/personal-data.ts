import type { CaseEvent } from '../case/case.events';

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

/**
 * The fields of each case event that hold what a customer told us, or what we wrote about
 * them, in free text: stored encrypted with the customer's own key. Ids, enums, times and
 * counts are not personal data and stay readable (CONVENTIONS: personal data never in ids).
 */
export const PERSONAL_FIELDS: Partial<Record<CaseEvent['type'], readonly string[]>> = {
  CaseOpened: ['summary', 'desiredOutcome'],
  ContactLogged: ['note', 'reason'],
  ApologyIssued: ['statement', 'thirdParty'],
  CaseHandedOver: ['summary', 'reason'],
  DiagnosisRecorded: ['symptoms', 'rootCause', 'desiredOutcome'],
  FixProposed: ['description'],
  FixApplied: ['note'],
  CaseEscalated: ['reason'],
  CaseResolved: ['resolution'],
  ResolutionConfirmed: ['note'],
  ResolutionRejected: ['reason'],
  CaseReopened: ['reason'],
  CaseClosed: ['reason'],
  FollowUpCompleted: ['note'],
};

export const personalFieldsOf = (type: string): readonly string[] =>
  PERSONAL_FIELDS[type as CaseEvent['type']] ?? [];

/** Every field name that holds personal text in some event: what read models copy of them. */
export const PERSONAL_FIELD_NAMES: ReadonlySet<string> = new Set(
  Object.values(PERSONAL_FIELDS).flat(),
);

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
