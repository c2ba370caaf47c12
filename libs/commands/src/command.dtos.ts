import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  CHANGE_KINDS,
  CHANNELS,
  DIRECTIONS,
  ESCALATION_LEVELS,
  FAULTS,
  FIX_KINDS,
  FOLLOW_UP_OUTCOMES,
  type Channel,
  type ChangeKind,
  type Direction,
  type EscalationLevel,
  type Fault,
  type FixKind,
  type FollowUpOutcome,
} from '@heard/domain';

/** Ids become part of stream names: letters, digits and . _ : - only. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const ID_MESSAGE =
  '$property must be 1 to 100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';
const IsId = (options: { each?: boolean } = {}) =>
  Matches(ID_PATTERN, { message: ID_MESSAGE, ...options });
const SHORT = 200;
const LONG = 4000;

const Text = (max: number) => (target: object, key: string) => {
  IsString()(target, key);
  IsNotEmpty()(target, key);
  MaxLength(max)(target, key);
};
const OptionalText = (max: number) => (target: object, key: string) => {
  IsOptional()(target, key);
  IsString()(target, key);
  MaxLength(max)(target, key);
};

/** Every command may carry its idempotency key in the body instead of the Idempotency-Key header. */
export class CommandDto {
  @ApiPropertyOptional({ description: 'Idempotency key; same as the Idempotency-Key header' })
  @IsOptional()
  @IsId()
  commandId?: string;
}

export class OpenCaseDto extends CommandDto {
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

export class LogContactDto extends CommandDto {
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

export class IssueApologyDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty({ enum: FAULTS }) @IsIn(FAULTS) fault!: Fault;
  @ApiProperty() @Text(LONG) statement!: string;
  @ApiPropertyOptional({ description: 'Required when fault is third_party' })
  @OptionalText(SHORT)
  thirdParty?: string;
}

export class HandOverCaseDto extends CommandDto {
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

export class RecordDiagnosisDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty() @Text(LONG) symptoms!: string;
  @ApiPropertyOptional() @OptionalText(LONG) rootCause?: string;
  @ApiProperty() @Text(LONG) desiredOutcome!: string;
}

export class ProposeFixDto extends CommandDto {
  @ApiPropertyOptional({ description: 'Generated when absent' })
  @IsOptional()
  @IsId()
  fixId?: string;
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty({ enum: FIX_KINDS }) @IsIn(FIX_KINDS) kind!: FixKind;
  @ApiProperty() @Text(LONG) description!: string;
}

export class ApplyFixDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiPropertyOptional() @OptionalText(LONG) note?: string;
}

export class EscalateCaseDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty({ enum: ESCALATION_LEVELS }) @IsIn(ESCALATION_LEVELS) level!: EscalationLevel;
  @ApiProperty() @Text(LONG) reason!: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() notifySales?: boolean;
}

export class ResolveCaseDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty() @Text(LONG) resolution!: string;
}

export class ConfirmResolutionDto extends CommandDto {
  @ApiPropertyOptional() @OptionalText(LONG) note?: string;
}

export class RejectResolutionDto extends CommandDto {
  @ApiProperty() @Text(LONG) reason!: string;
}

export class ReopenCaseDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiProperty() @Text(LONG) reason!: string;
}

export class CloseCaseDto extends CommandDto {
  @ApiProperty() @IsId() agentId!: string;
  @ApiPropertyOptional({ description: 'Required when the case is not resolved' })
  @OptionalText(LONG)
  reason?: string;
}

export class LinkCaseToIssueDto extends CommandDto {
  @ApiProperty() @IsId() issueId!: string;
}

export class CompleteFollowUpDto extends CommandDto {
  @ApiProperty({ enum: FOLLOW_UP_OUTCOMES }) @IsIn(FOLLOW_UP_OUTCOMES) outcome!: FollowUpOutcome;
  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  csat?: number;
  @ApiPropertyOptional() @OptionalText(LONG) note?: string;
}

export class IdentifyIssueDto extends CommandDto {
  @ApiPropertyOptional({ description: 'Generated when absent' })
  @IsOptional()
  @IsId()
  issueId?: string;
  @ApiProperty() @Text(SHORT) title!: string;
  @ApiProperty() @Text(SHORT) product!: string;
  @ApiProperty() @Text(SHORT) category!: string;
  @ApiPropertyOptional() @OptionalText(LONG) description?: string;
}

export class AcknowledgeIssueDto extends CommandDto {
  @ApiProperty() @IsId() team!: string;
  @ApiProperty() @IsId() owner!: string;
}

export class ShipFixDto extends CommandDto {
  @ApiProperty() @Text(SHORT) release!: string;
  @ApiProperty() @Text(LONG) description!: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() creditCustomers?: boolean;
}

export class CloseIssueDto extends CommandDto {
  @ApiPropertyOptional() @OptionalText(LONG) reason?: string;
}

export class AnnounceChangeDto extends CommandDto {
  @ApiPropertyOptional({ description: 'Generated when absent' })
  @IsOptional()
  @IsId()
  changeId?: string;
  @ApiProperty({ enum: CHANGE_KINDS }) @IsIn(CHANGE_KINDS) kind!: ChangeKind;
  @ApiProperty() @Text(LONG) description!: string;
  @ApiPropertyOptional() @OptionalText(SHORT) product?: string;
  @ApiProperty({ description: 'ISO 8601' }) @IsISO8601({ strict: true }) effectiveAt!: string;
}

export class DeclareIncidentDto extends CommandDto {
  @ApiPropertyOptional({ description: 'Generated when absent' })
  @IsOptional()
  @IsId()
  incidentId?: string;
  @ApiProperty() @Text(SHORT) title!: string;
  @ApiPropertyOptional() @OptionalText(SHORT) product?: string;
  @ApiProperty({ description: 'What the affected customers are told' })
  @Text(LONG)
  message!: string;
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100_000)
  @Matches(ID_PATTERN, {
    each: true,
    message: 'each of $property must be 1 to 100 letters, digits, ".", "_", ":" or "-"',
  })
  affectedCustomerIds!: string[];
}

export class ResolveIncidentDto extends CommandDto {
  @ApiPropertyOptional() @OptionalText(LONG) note?: string;
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
