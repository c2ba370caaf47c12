import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import {
  CHANNELS,
  DIRECTIONS,
  ESCALATION_LEVELS,
  FAULTS,
  FIX_KINDS,
  FOLLOW_UP_OUTCOMES,
  PROMISE_KEPT_BY,
  WAITING_ON,
  type PromiseKeptBy,
  type SchedulerCommand,
  type WaitingOn,
  type Channel,
  type Direction,
  type EscalationLevel,
  type Fault,
  type FixKind,
  type FollowUpOutcome,
  type CaseCommand,
} from '@heard/domain';

import { CommandDto, IsId, LONG, OptionalText, SHORT, Text } from '../command-dto';
import {
  bodyOf,
  CASE_SUPERVISION,
  CASE_WORK,
  p,
  spec,
  type CommandDescription,
} from '../command-spec';

class OpenCaseDto extends CommandDto {
  @ApiPropertyOptional({ description: 'Generated when absent' })
  @IsOptional()
  @IsId()
  caseId?: string;
  @ApiProperty() @IsId() customerId!: string;
  @ApiPropertyOptional() @IsOptional() @IsId() accountId?: string;
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel!: Channel;
  @ApiProperty({ example: 'billing' }) @Text(SHORT) category!: string;
  @ApiPropertyOptional() @OptionalText(SHORT) product?: string;
  @ApiProperty() @Text(LONG) summary!: string;
  @ApiPropertyOptional() @OptionalText(LONG) desiredOutcome?: string;
}

class LogContactDto extends CommandDto {
  @ApiProperty({ enum: CHANNELS }) @IsIn(CHANNELS) channel!: Channel;
  @ApiProperty({ enum: DIRECTIONS }) @IsIn(DIRECTIONS) direction!: Direction;
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty() @Text(LONG) note!: string;
  @ApiPropertyOptional() @OptionalText(SHORT) reason?: string;
  @ApiPropertyOptional({ description: 'When the contact happened (ISO 8601); now when absent' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;
}

class IssueApologyDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty({ enum: FAULTS }) @IsIn(FAULTS) fault!: Fault;
  @ApiProperty() @Text(LONG) statement!: string;
  @ApiPropertyOptional({ description: 'Required when fault is third_party' })
  @OptionalText(SHORT)
  thirdParty?: string;
}

class HandOverCaseDto extends CommandDto {
  @ApiProperty() @IsId() fromAgentId!: string;
  @ApiPropertyOptional({ description: 'Exactly one of toAgentId and toTeam' })
  @IsOptional()
  @IsId()
  toAgentId?: string;
  @ApiPropertyOptional({ description: 'Exactly one of toAgentId and toTeam' })
  @IsOptional()
  @IsId()
  toTeam?: string;
  @ApiProperty({
    description: 'The executive summary the receiver starts from (20 characters or more)',
  })
  @OptionalText(LONG)
  summary?: string;
  @ApiPropertyOptional() @OptionalText(SHORT) reason?: string;
}

class RecordDiagnosisDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty() @Text(LONG) symptoms!: string;
  @ApiPropertyOptional() @OptionalText(LONG) rootCause?: string;
  @ApiProperty() @Text(LONG) desiredOutcome!: string;
}

class ProposeFixDto extends CommandDto {
  @ApiPropertyOptional({ description: 'Generated when absent' })
  @IsOptional()
  @IsId()
  fixId?: string;
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty({ enum: FIX_KINDS }) @IsIn(FIX_KINDS) kind!: FixKind;
  @ApiProperty() @Text(LONG) description!: string;
}

class ApplyFixDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiPropertyOptional() @OptionalText(LONG) note?: string;
}

class EscalateCaseDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty({ enum: ESCALATION_LEVELS }) @IsIn(ESCALATION_LEVELS) level!: EscalationLevel;
  @ApiProperty() @Text(LONG) reason!: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() notifySales?: boolean;
}

class ResolveCaseDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty() @Text(LONG) resolution!: string;
}

class ConfirmResolutionDto extends CommandDto {
  @ApiPropertyOptional() @OptionalText(LONG) note?: string;
}

class RejectResolutionDto extends CommandDto {
  @ApiProperty() @Text(LONG) reason!: string;
}

class ReopenCaseDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty() @Text(LONG) reason!: string;
}

class CloseCaseDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiPropertyOptional({ description: 'Required when the case is not resolved' })
  @OptionalText(LONG)
  reason?: string;
}

class LinkCaseToIssueDto extends CommandDto {
  @ApiProperty() @IsId() issueId!: string;
}

class NoteCaseDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty() @Text(LONG) note!: string;
}

class CompleteFollowUpDto extends CommandDto {
  @ApiProperty({ enum: FOLLOW_UP_OUTCOMES }) @IsIn(FOLLOW_UP_OUTCOMES) outcome!: FollowUpOutcome;
  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  csat?: number;
  @ApiPropertyOptional() @OptionalText(LONG) note?: string;
}

class StartWaitingDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty({ enum: WAITING_ON }) @IsIn(WAITING_ON) on!: WaitingOn;
  @ApiProperty() @Text(LONG) reason!: string;
}

class EndWaitingDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
}

class MakePromiseDto extends CommandDto {
  @ApiPropertyOptional({ description: 'Generated when absent' })
  @IsOptional()
  @IsId()
  promiseId?: string;
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty({ description: 'The words said to the customer (personal data: sealed, erasable)' })
  @Text(LONG)
  promise!: string;
  @ApiProperty({ description: 'ISO 8601 instant by which it is kept' })
  @IsISO8601({ strict: true })
  dueAt!: string;
  @ApiProperty({ enum: PROMISE_KEPT_BY }) @IsIn(PROMISE_KEPT_BY) keptBy!: PromiseKeptBy;
}

class KeepPromiseDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
}

/**
 * The commands of a case, from its opening to its closure: body, route, roles, domain command.
 * The scheduler's own commands (breaches, warnings, escalations, broken promises) have no route.
 */
export const CASE_COMMANDS: {
  readonly [T in Exclude<CaseCommand['type'], SchedulerCommand['type']>]: CommandDescription;
} = {
  OpenCase: spec<OpenCaseDto>({
    dto: OpenCaseDto,
    route: 'cases',
    allow: CASE_WORK,
    build: (b, _p, ctx) => ({
      type: 'OpenCase',
      ...bodyOf(b),
      caseId: b.caseId ?? ctx.newId('case'),
      at: ctx.at,
    }),
  }),
  LogContact: spec<LogContactDto>({
    dto: LogContactDto,
    route: 'cases/:caseId/contacts',
    allow: CASE_WORK,
    build: (b, params, ctx) => {
      const { occurredAt: _o, ...rest } = bodyOf(b);
      return {
        type: 'LogContact',
        ...rest,
        caseId: p(params, 'caseId'),
        contactId: ctx.newId('contact'),
        at: ctx.at,
      };
    },
    actorOf: (b) => b.agentId,
  }),
  IssueApology: spec<IssueApologyDto>({
    dto: IssueApologyDto,
    route: 'cases/:caseId/apologies',
    note: 'thirdParty is required when fault is third_party',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'IssueApology',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  HandOverCase: spec<HandOverCaseDto>({
    dto: HandOverCaseDto,
    route: 'cases/:caseId/handovers',
    note: 'exactly one of toAgentId and toTeam; summary is the executive summary, 20 characters or more',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'HandOverCase',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.fromAgentId,
  }),
  RecordDiagnosis: spec<RecordDiagnosisDto>({
    dto: RecordDiagnosisDto,
    route: 'cases/:caseId/diagnoses',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'RecordDiagnosis',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  ProposeFix: spec<ProposeFixDto>({
    dto: ProposeFixDto,
    route: 'cases/:caseId/fixes',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'ProposeFix',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      fixId: b.fixId ?? ctx.newId('fix'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  ApplyFix: spec<ApplyFixDto>({
    dto: ApplyFixDto,
    route: 'cases/:caseId/fixes/:fixId/applied',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'ApplyFix',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      fixId: p(params, 'fixId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  EscalateCase: spec<EscalateCaseDto>({
    dto: EscalateCaseDto,
    route: 'cases/:caseId/escalations',
    allow: CASE_SUPERVISION,
    build: (b, params, ctx) => ({
      type: 'EscalateCase',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  ResolveCase: spec<ResolveCaseDto>({
    dto: ResolveCaseDto,
    route: 'cases/:caseId/resolution',
    note: 'also schedules the follow-up',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'ResolveCase',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
      followUp: {
        followUpId: ctx.newId('follow-up'),
        dueAt: new Date(Date.parse(ctx.at) + ctx.followUpDelayMs).toISOString(),
      },
    }),
    actorOf: (b) => b.agentId,
  }),
  ConfirmResolution: spec<ConfirmResolutionDto>({
    dto: ConfirmResolutionDto,
    route: 'cases/:caseId/resolution/confirmation',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'ConfirmResolution',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
  }),
  RejectResolution: spec<RejectResolutionDto>({
    dto: RejectResolutionDto,
    route: 'cases/:caseId/resolution/rejection',
    note: 'reopens the case',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'RejectResolution',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
  }),
  ReopenCase: spec<ReopenCaseDto>({
    dto: ReopenCaseDto,
    route: 'cases/:caseId/reopen',
    allow: CASE_SUPERVISION,
    build: (b, params, ctx) => ({
      type: 'ReopenCase',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  CloseCase: spec<CloseCaseDto>({
    dto: CloseCaseDto,
    route: 'cases/:caseId/closure',
    note: 'reason is required while the case is unresolved',
    allow: CASE_SUPERVISION,
    build: (b, params, ctx) => ({
      type: 'CloseCase',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  LinkCaseToIssue: spec<LinkCaseToIssueDto>({
    dto: LinkCaseToIssueDto,
    route: 'cases/:caseId/issue-links',
    note: 'the issue must exist',
    allow: [...CASE_WORK, 'product'],
    build: (b, params, ctx) => ({
      type: 'LinkCaseToIssue',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
  }),
  NoteCase: spec<NoteCaseDto>({
    dto: NoteCaseDto,
    route: 'cases/:caseId/notes',
    note: 'for colleagues: shown on the timeline, sealed and erased like every customer text',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'NoteCase',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  CompleteFollowUp: spec<CompleteFollowUpDto>({
    dto: CompleteFollowUpDto,
    route: 'cases/:caseId/follow-ups/:followUpId/completion',
    note: 'csat is 1 to 5; not_fixed reopens the case',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'CompleteFollowUp',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      followUpId: p(params, 'followUpId'),
      at: ctx.at,
    }),
  }),
  StartWaiting: spec<StartWaitingDto>({
    dto: StartWaitingDto,
    route: 'cases/:caseId/waiting',
    note: "pauses the SLA clocks until the customer's next inbound contact or waiting/end",
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'StartWaiting',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  EndWaiting: spec<EndWaitingDto>({
    dto: EndWaitingDto,
    route: 'cases/:caseId/waiting/end',
    note: 'resumes the SLA clocks',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'EndWaiting',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  MakePromise: spec<MakePromiseDto>({
    dto: MakePromiseDto,
    route: 'cases/:caseId/promises',
    note: 'kept when its keptBy event happens before dueAt (manual: the kept route); broken when dueAt passes first',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'MakePromise',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      promiseId: b.promiseId ?? ctx.newId('promise'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
  KeepPromise: spec<KeepPromiseDto>({
    dto: KeepPromiseDto,
    route: 'cases/:caseId/promises/:promiseId/kept',
    note: 'before its dueAt',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'KeepPromise',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      promiseId: p(params, 'promiseId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.agentId,
  }),
};
