import type { DomainCommand } from '@heard/domain';
import type { AccessRole } from '@heard/security';
import * as dto from './command.dtos';

export interface BuildContext {
  /** Business time of the command. */
  at: string;
  /** An id derived from the idempotency key, so that a retry names the same thing. */
  newId(purpose: string): string;
  followUpDelayMs: number;
}

export interface CommandSpec<D extends dto.CommandDto = dto.CommandDto> {
  type: DomainCommand['type'];
  dto: new () => D;
  /** Its HTTP route, `POST /<route>`; each `:name` is a path parameter (a field of `data` in a batch or on Kafka). */
  route: string;
  /** Who may send it, on any transport (admin always may). */
  allow: readonly AccessRole[];
  /** What the body's fields do not say (the docs' command table shows it). */
  note?: string;
  /** Its group in the OpenAPI document. */
  tag: 'cases' | 'issues' | 'changes and incidents';
  /** The route's path parameters, in order. */
  params: readonly string[];
  build(body: D, params: Record<string, string>, ctx: BuildContext): DomainCommand;
  /** The acting agent named in the body, if any. */
  actorOf?(body: D): string | undefined;
}

const spec = <D extends dto.CommandDto>(s: Omit<CommandSpec<D>, 'params' | 'tag'>) =>
  ({
    ...s,
    params: s.route
      .split('/')
      .filter((part) => part.startsWith(':'))
      .map((part) => part.slice(1)),
    tag: s.route.startsWith('cases')
      ? 'cases'
      : s.route.startsWith('issues')
        ? 'issues'
        : 'changes and incidents',
  }) as unknown as CommandSpec;

/** Who works a case: agents, their supervisors, and the upstream apps acting for agents. */
const CASE_WORK: AccessRole[] = ['agent', 'supervisor', 'integration'];
/** Escalating, closing and reopening a case: supervisors (and upstream apps acting for them). */
const CASE_SUPERVISION: AccessRole[] = ['supervisor', 'integration'];
/** Recurring issues and their fixes: product teams. */
const ISSUE_WORK: AccessRole[] = ['product'];
/** Changes and incidents that explain contact volumes: product teams and supervisors. */
const ANNOUNCEMENTS: AccessRole[] = ['product', 'supervisor'];
const p = (params: Record<string, string>, name: string) => params[name]!;
const bodyOf = <D extends dto.CommandDto>(body: D): Omit<D, 'commandId'> => {
  const { commandId: _k, ...rest } = body;
  return rest;
};

/** Every command heard accepts, one entry each: DTO, path parameters, and the domain command. */
export const COMMANDS: readonly CommandSpec[] = [
  spec<dto.OpenCaseDto>({
    type: 'OpenCase',
    dto: dto.OpenCaseDto,
    route: 'cases',
    allow: CASE_WORK,
    build: (b, _p, ctx) => ({
      type: 'OpenCase',
      ...bodyOf(b),
      caseId: b.caseId ?? ctx.newId('case'),
      at: ctx.at,
    }),
  }),
  spec<dto.LogContactDto>({
    type: 'LogContact',
    dto: dto.LogContactDto,
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
  spec<dto.IssueApologyDto>({
    type: 'IssueApology',
    dto: dto.IssueApologyDto,
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
  spec<dto.HandOverCaseDto>({
    type: 'HandOverCase',
    dto: dto.HandOverCaseDto,
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
  spec<dto.RecordDiagnosisDto>({
    type: 'RecordDiagnosis',
    dto: dto.RecordDiagnosisDto,
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
  spec<dto.ProposeFixDto>({
    type: 'ProposeFix',
    dto: dto.ProposeFixDto,
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
  spec<dto.ApplyFixDto>({
    type: 'ApplyFix',
    dto: dto.ApplyFixDto,
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
  spec<dto.EscalateCaseDto>({
    type: 'EscalateCase',
    dto: dto.EscalateCaseDto,
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
  spec<dto.ResolveCaseDto>({
    type: 'ResolveCase',
    dto: dto.ResolveCaseDto,
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
  spec<dto.ConfirmResolutionDto>({
    type: 'ConfirmResolution',
    dto: dto.ConfirmResolutionDto,
    route: 'cases/:caseId/resolution/confirmation',
    allow: CASE_WORK,
    build: (b, params, ctx) => ({
      type: 'ConfirmResolution',
      ...bodyOf(b),
      caseId: p(params, 'caseId'),
      at: ctx.at,
    }),
  }),
  spec<dto.RejectResolutionDto>({
    type: 'RejectResolution',
    dto: dto.RejectResolutionDto,
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
  spec<dto.ReopenCaseDto>({
    type: 'ReopenCase',
    dto: dto.ReopenCaseDto,
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
  spec<dto.CloseCaseDto>({
    type: 'CloseCase',
    dto: dto.CloseCaseDto,
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
  spec<dto.LinkCaseToIssueDto>({
    type: 'LinkCaseToIssue',
    dto: dto.LinkCaseToIssueDto,
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
  spec<dto.CompleteFollowUpDto>({
    type: 'CompleteFollowUp',
    dto: dto.CompleteFollowUpDto,
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
  spec<dto.IdentifyIssueDto>({
    type: 'IdentifyIssue',
    dto: dto.IdentifyIssueDto,
    route: 'issues',
    allow: ISSUE_WORK,
    build: (b, _p, ctx) => ({
      type: 'IdentifyIssue',
      ...bodyOf(b),
      issueId: b.issueId ?? ctx.newId('issue'),
      at: ctx.at,
    }),
  }),
  spec<dto.AcknowledgeIssueDto>({
    type: 'AcknowledgeIssue',
    dto: dto.AcknowledgeIssueDto,
    route: 'issues/:issueId/acknowledgement',
    allow: ISSUE_WORK,
    build: (b, params, ctx) => ({
      type: 'AcknowledgeIssue',
      ...bodyOf(b),
      issueId: p(params, 'issueId'),
      at: ctx.at,
    }),
    actorOf: (b) => b.owner,
  }),
  spec<dto.ShipFixDto>({
    type: 'ShipFix',
    dto: dto.ShipFixDto,
    route: 'issues/:issueId/fix-shipped',
    note: 'needs an acknowledged issue',
    allow: ISSUE_WORK,
    build: (b, params, ctx) => ({
      type: 'ShipFix',
      ...bodyOf(b),
      issueId: p(params, 'issueId'),
      at: ctx.at,
    }),
  }),
  spec<dto.CloseIssueDto>({
    type: 'CloseIssue',
    dto: dto.CloseIssueDto,
    route: 'issues/:issueId/closure',
    allow: ISSUE_WORK,
    build: (b, params, ctx) => ({
      type: 'CloseIssue',
      ...bodyOf(b),
      issueId: p(params, 'issueId'),
      at: ctx.at,
    }),
  }),
  spec<dto.AnnounceChangeDto>({
    type: 'AnnounceChange',
    dto: dto.AnnounceChangeDto,
    route: 'changes',
    allow: ANNOUNCEMENTS,
    build: (b, _p, ctx) => ({
      type: 'AnnounceChange',
      ...bodyOf(b),
      changeId: b.changeId ?? ctx.newId('change'),
      at: ctx.at,
    }),
  }),
  spec<dto.DeclareIncidentDto>({
    type: 'DeclareIncident',
    dto: dto.DeclareIncidentDto,
    route: 'incidents',
    allow: ANNOUNCEMENTS,
    build: (b, _p, ctx) => ({
      type: 'DeclareIncident',
      ...bodyOf(b),
      incidentId: b.incidentId ?? ctx.newId('incident'),
      at: ctx.at,
    }),
  }),
  spec<dto.ResolveIncidentDto>({
    type: 'ResolveIncident',
    dto: dto.ResolveIncidentDto,
    route: 'incidents/:incidentId/resolution',
    allow: ANNOUNCEMENTS,
    build: (b, params, ctx) => ({
      type: 'ResolveIncident',
      ...bodyOf(b),
      incidentId: p(params, 'incidentId'),
      at: ctx.at,
    }),
  }),
];

export const COMMAND_TYPES = COMMANDS.map((c) => c.type);
export const commandSpec = (type: string): CommandSpec | undefined =>
  COMMANDS.find((c) => c.type === type);
