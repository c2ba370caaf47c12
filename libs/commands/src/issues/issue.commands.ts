import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
} from 'class-validator';

import {
  ON_TRACKER_DONE,
  parseTrackerUrl,
  TRACKER_URL_RULE,
  type IssueCommand,
  type OnTrackerDone,
  type TrackerFeedCommand,
} from '@heard/domain';
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

class LinkTrackerDto extends CommandDto {
  @ApiProperty({
    example: 'https://github.com/acme/app/issues/12',
    description: 'a GitHub, GitLab, Jira or Linear issue',
  })
  @IsString()
  @MaxLength(2000)
  @ValidateBy({
    name: 'isTrackerIssueUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !!parseTrackerUrl(value),
      defaultMessage: () => TRACKER_URL_RULE,
    },
  })
  url!: string;
  @ApiPropertyOptional({
    enum: ON_TRACKER_DONE,
    default: 'ask',
    description:
      'when the tracker issue is closed as done: `ask` (the fix waits for one click on the product screen) or `ship` (heard ships it, naming the tracker issue and its milestone)',
  })
  @IsOptional()
  @IsIn(ON_TRACKER_DONE)
  onTrackerDone?: OnTrackerDone;
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
export const ISSUE_COMMANDS: {
  readonly [T in Exclude<IssueCommand['type'], TrackerFeedCommand['type']>]: CommandDescription;
} = {
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
  LinkTracker: spec<LinkTrackerDto>({
    dto: LinkTrackerDto,
    route: 'issues/:issueId/tracker-links',
    allow: ['product'],
    note: "the tracker's webhooks then keep its state (POST /webhooks/<tracker>)",
    build: (b, params, ctx) => ({
      type: 'LinkTracker',
      ...bodyOf(b),
      issueId: p(params, 'issueId'),
      at: ctx.at,
    }),
  }),
};
