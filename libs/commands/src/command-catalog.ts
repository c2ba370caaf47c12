import { ANNOUNCEMENT_COMMANDS } from './announcements/announcement.commands';
import { CASE_COMMANDS } from './cases/case.commands';
import type { DomainCommand } from '@heard/domain';
import type { CommandDescription, CommandSpec } from './command-spec';
import { ISSUE_COMMANDS } from './issues/issue.commands';
import { KPI_COMMANDS } from './kpis/kpi.commands';
import { SLA_POLICY_COMMANDS } from './sla/sla-policy.commands';
import { ACCOUNT_COMMANDS } from './accounts/account.commands';

/**
 * Every command heard accepts, one entry each, described beside its aggregate: body (DTO),
 * route and path parameters, roles, the domain command, and what its fields cannot say. Each
 * aggregate's descriptions are a record over its domain commands: a command the domain gains
 * does not compile until it is described.
 * HTTP, POST /commands and the Kafka intake take them from here, and so do the docs.
 */
const typed = (described: Readonly<Record<string, CommandDescription>>): CommandSpec[] =>
  Object.entries(described).map(([type, d]) => ({ ...d, type: type as DomainCommand['type'] }));

export const COMMANDS: readonly CommandSpec[] = [
  ...typed(CASE_COMMANDS),
  ...typed(ISSUE_COMMANDS),
  ...typed(ANNOUNCEMENT_COMMANDS),
  ...typed(KPI_COMMANDS),
  ...typed(SLA_POLICY_COMMANDS),
  ...typed(ACCOUNT_COMMANDS),
];

export const COMMAND_TYPES = COMMANDS.map((c) => c.type);
export const commandSpec = (type: string): CommandSpec | undefined =>
  COMMANDS.find((c) => c.type === type);
