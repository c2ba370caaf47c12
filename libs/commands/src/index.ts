export { AggregateStateCache } from './aggregate-state-cache';
export { COMMANDS, COMMAND_TYPES } from './command-catalog';
export { executeEnvelope } from './command-envelope';
export { COMMAND_METRICS, CommandGateway } from './command-gateway';
export type { CommandContext, CommandReceipt } from './command-gateway';
export { ID_PATTERN } from './command-dto';
export type { CommandSpec } from './command-spec';
export { AcceptCandidateDto } from './issues/issue.commands';
export { commandErrorBody, toCommandErrorBody } from './error-body';
export type { ErrorBody } from './error-body';
export { ValidationFailed, Forbidden } from './errors';
export type { FieldError } from './errors';
export { ExecuteDomainCommand, ExecuteDomainCommandHandler } from './execute-domain-command';
export {
  MAX_JSON_DEPTH,
  jsonShapeProblems,
  isCalendarDay,
  parseDayOrInstant,
  HEADER_TOKEN,
  HEADER_TOKEN_RULE,
} from './input-rules';
export { validateBody } from './validate-body';
export { SLA_POLICIES } from './execute-domain-command';
export type { SlaPolicyLookup } from './execute-domain-command';
export { SlaScheduler } from './sla/sla-scheduler';
