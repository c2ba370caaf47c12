/**
 * The roles a credential can carry (see @heard/security for what each may do). Here so that
 * settings naming roles (HEARD_METRICS_ACCESS, HEARD_DOCS_ACCESS) are checked at start.
 */
export const ACCESS_ROLES = [
  'agent',
  'supervisor',
  'analyst',
  'product',
  'integration',
  'sales',
  'admin',
] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

export const isAccessRole = (value: unknown): value is AccessRole =>
  typeof value === 'string' && (ACCESS_ROLES as readonly string[]).includes(value);
