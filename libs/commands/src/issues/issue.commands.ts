import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional } from 'class-validator';

import type { IssueCommand } from '@heard/domain';
import { CommandDto, IsId, LONG, OptionalText, SHORT, Text } from '../command-dto';
import { bodyOf, ISSUE_WORK, p, spec, type CommandDescription } from '../command-spec';

class IdentifyIssueDto extends CommandDto {
  @ApiPropertyOptional({ description: 'Generated when absent' })
  @IsOptional()
  @IsId()
  issueId?: string;
  @ApiProperty() @Text(SHORT) title!: string;
  @ApiProperty() @Text(SHORT) product!: string;
  @ApiProperty() @Text(SHORT) category!: string;
  @ApiPropertyOptional() @OptionalText(LONG) description?: string;
}

class AcknowledgeIssueDto extends CommandDto {
  @ApiProperty() @IsId() team!: string;
  @ApiProperty() @IsId() owner!: string;
}

class ShipFixDto extends CommandDto {
  @ApiProperty() @Text(SHORT) release!: string;
  @ApiProperty() @Text(LONG) description!: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() creditCustomers?: boolean;
}

class CloseIssueDto extends CommandDto {
  @ApiPropertyOptional() @OptionalText(LONG) reason?: string;
}

/** Accepting a candidate issue: identify (or name) the issue and link the candidate's cases. */
export class AcceptCandidateDto {
  @ApiPropertyOptional({
    description:
      'An existing issue to link the cases to, or the id of the new one (default: derived from the candidate)',
  })
  @IsOptional()
  @IsId()
  issueId?: string;
  @ApiPropertyOptional({ description: 'Title of a new issue (default: the candidate’s title)' })
  @OptionalText(SHORT)
  title?: string;
  @ApiPropertyOptional({ description: 'Category of a new issue (default: its cases’ most common)' })
  @OptionalText(SHORT)
  category?: string;
  @ApiPropertyOptional() @OptionalText(LONG) description?: string;
  @ApiPropertyOptional({
    type: [String],
    description:
      'The cases to link, as the analyst saw them (default: the candidate’s cases now); a retry with the same list links nothing twice',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsId({ each: true })
  caseIds?: string[];
}

/** The commands of a recurring issue, from its identification to its fix and closure. */
export const ISSUE_COMMANDS: { readonly [T in IssueCommand['type']]: CommandDescription } = {
  IdentifyIssue: spec<IdentifyIssueDto>({
    dto: IdentifyIssueDto,
    route: 'issues',
    allow: ISSUE_WORK,
    build: (b, _p, ctx) => ({
      type: 'IdentifyIssue',
      ...bodyOf(b),
      issueId: b.issueId ?? ctx.newId('issue'),
      at: ctx.at,
    }),
  }),
  AcknowledgeIssue: spec<AcknowledgeIssueDto>({
    dto: AcknowledgeIssueDto,
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
  ShipFix: spec<ShipFixDto>({
    dto: ShipFixDto,
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
  CloseIssue: spec<CloseIssueDto>({
    dto: CloseIssueDto,
    route: 'issues/:issueId/closure',
    allow: ISSUE_WORK,
    build: (b, params, ctx) => ({
      type: 'CloseIssue',
      ...bodyOf(b),
      issueId: p(params, 'issueId'),
      at: ctx.at,
    }),
  }),
};
