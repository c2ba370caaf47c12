import {
  Body,
  Controller,
  createParamDecorator,
  HttpCode,
  Injectable,
  Param,
  Post,
  Res,
  type ExecutionContext,
} from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { contextFromHeaders } from '../http/command-context';
import { CommandGateway, type CommandReceipt } from './command-gateway';
import * as dto from './command.dtos';

type Headers = Record<string, string | string[] | undefined>;

/** The request headers, read without a parameter type that OpenAPI would try to describe. */
const CommandHeaders = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Headers =>
    ctx.switchToHttp().getRequest<{ headers: Headers }>().headers,
);

/** Shared by the command controllers: run, and say in a header when the answer is a replay. */
@Injectable()
abstract class CommandRoutes {
  constructor(protected readonly gateway: CommandGateway) {}

  protected async run(
    type: string,
    params: Record<string, string>,
    body: unknown,
    headers: Headers,
    reply: FastifyReply,
  ): Promise<Omit<CommandReceipt, 'replayed'>> {
    const { replayed, ...receipt } = await this.gateway.execute(
      type,
      params,
      body,
      contextFromHeaders(headers),
    );
    // The retried request answers the same body; only this header tells that it was a replay.
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    return receipt;
  }
}

const IdempotencyHeader = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retried command with the same key appends nothing and answers the same',
  });

@ApiTags('cases')
@IdempotencyHeader()
@Controller('cases')
export class CasesController extends CommandRoutes {
  @Post()
  @HttpCode(201)
  open(
    @Body() body: dto.OpenCaseDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('OpenCase', {}, body, h, r);
  }

  @Post(':caseId/contacts')
  @HttpCode(201)
  logContact(
    @Param('caseId') caseId: string,
    @Body() body: dto.LogContactDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('LogContact', { caseId }, body, h, r);
  }

  @Post(':caseId/apologies')
  @HttpCode(201)
  apologize(
    @Param('caseId') caseId: string,
    @Body() body: dto.IssueApologyDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('IssueApology', { caseId }, body, h, r);
  }

  @Post(':caseId/handovers')
  @HttpCode(201)
  handOver(
    @Param('caseId') caseId: string,
    @Body() body: dto.HandOverCaseDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('HandOverCase', { caseId }, body, h, r);
  }

  @Post(':caseId/diagnoses')
  @HttpCode(201)
  diagnose(
    @Param('caseId') caseId: string,
    @Body() body: dto.RecordDiagnosisDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('RecordDiagnosis', { caseId }, body, h, r);
  }

  @Post(':caseId/fixes')
  @HttpCode(201)
  proposeFix(
    @Param('caseId') caseId: string,
    @Body() body: dto.ProposeFixDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('ProposeFix', { caseId }, body, h, r);
  }

  @Post(':caseId/fixes/:fixId/applied')
  @HttpCode(201)
  applyFix(
    @Param('caseId') caseId: string,
    @Param('fixId') fixId: string,
    @Body() body: dto.ApplyFixDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('ApplyFix', { caseId, fixId }, body, h, r);
  }

  @Post(':caseId/escalations')
  @HttpCode(201)
  escalate(
    @Param('caseId') caseId: string,
    @Body() body: dto.EscalateCaseDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('EscalateCase', { caseId }, body, h, r);
  }

  @Post(':caseId/resolution')
  @HttpCode(201)
  resolve(
    @Param('caseId') caseId: string,
    @Body() body: dto.ResolveCaseDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('ResolveCase', { caseId }, body, h, r);
  }

  @Post(':caseId/resolution/confirmation')
  @HttpCode(201)
  confirm(
    @Param('caseId') caseId: string,
    @Body() body: dto.ConfirmResolutionDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('ConfirmResolution', { caseId }, body, h, r);
  }

  @Post(':caseId/resolution/rejection')
  @HttpCode(201)
  reject(
    @Param('caseId') caseId: string,
    @Body() body: dto.RejectResolutionDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('RejectResolution', { caseId }, body, h, r);
  }

  @Post(':caseId/reopen')
  @HttpCode(201)
  reopen(
    @Param('caseId') caseId: string,
    @Body() body: dto.ReopenCaseDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('ReopenCase', { caseId }, body, h, r);
  }

  @Post(':caseId/closure')
  @HttpCode(201)
  close(
    @Param('caseId') caseId: string,
    @Body() body: dto.CloseCaseDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('CloseCase', { caseId }, body, h, r);
  }

  @Post(':caseId/issue-links')
  @HttpCode(201)
  link(
    @Param('caseId') caseId: string,
    @Body() body: dto.LinkCaseToIssueDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('LinkCaseToIssue', { caseId }, body, h, r);
  }

  @Post(':caseId/follow-ups/:followUpId/completion')
  @HttpCode(201)
  completeFollowUp(
    @Param('caseId') caseId: string,
    @Param('followUpId') followUpId: string,
    @Body() body: dto.CompleteFollowUpDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('CompleteFollowUp', { caseId, followUpId }, body, h, r);
  }
}

@ApiTags('issues')
@IdempotencyHeader()
@Controller('issues')
export class IssuesController extends CommandRoutes {
  @Post()
  @HttpCode(201)
  identify(
    @Body() body: dto.IdentifyIssueDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('IdentifyIssue', {}, body, h, r);
  }

  @Post(':issueId/acknowledgement')
  @HttpCode(201)
  acknowledge(
    @Param('issueId') issueId: string,
    @Body() body: dto.AcknowledgeIssueDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('AcknowledgeIssue', { issueId }, body, h, r);
  }

  @Post(':issueId/fix-shipped')
  @HttpCode(201)
  shipFix(
    @Param('issueId') issueId: string,
    @Body() body: dto.ShipFixDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('ShipFix', { issueId }, body, h, r);
  }

  @Post(':issueId/closure')
  @HttpCode(201)
  close(
    @Param('issueId') issueId: string,
    @Body() body: dto.CloseIssueDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('CloseIssue', { issueId }, body, h, r);
  }
}

@ApiTags('changes and incidents')
@IdempotencyHeader()
@Controller()
export class ChangesAndIncidentsController extends CommandRoutes {
  @Post('changes')
  @HttpCode(201)
  announce(
    @Body() body: dto.AnnounceChangeDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('AnnounceChange', {}, body, h, r);
  }

  @Post('incidents')
  @HttpCode(201)
  declare(
    @Body() body: dto.DeclareIncidentDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('DeclareIncident', {}, body, h, r);
  }

  @Post('incidents/:incidentId/resolution')
  @HttpCode(201)
  resolveIncident(
    @Param('incidentId') incidentId: string,
    @Body() body: dto.ResolveIncidentDto,
    @CommandHeaders() h: Headers,
    @Res({ passthrough: true }) r: FastifyReply,
  ) {
    return this.run('ResolveIncident', { incidentId }, body, h, r);
  }
}
