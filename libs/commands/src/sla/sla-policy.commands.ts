import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CHANNELS,
  DEFAULT_WARN_AT,
  ESCALATION_LEVELS,
  slaPolicyProblems,
  WEEKDAYS,
  type Channel,
  type EscalationLevel,
  type SlaPolicyCommand,
  type SlaPolicyTerms,
} from '@heard/domain';
import { CommandDto, SHORT, Text } from '../command-dto';
import { bodyOf, p, spec, type CommandDescription } from '../command-spec';
import { ValidationFailed } from '../errors';

const Names = () => (target: object, key: string) => {
  IsOptional()(target, key);
  IsArray()(target, key);
  IsString({ each: true })(target, key);
  MaxLength(SHORT, { each: true })(target, key);
};

class SlaMatchDto {
  @ApiPropertyOptional({ enum: CHANNELS, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(CHANNELS, { each: true })
  channels?: Channel[];
  @ApiPropertyOptional({ type: [String] }) @Names() categories?: string[];
  @ApiPropertyOptional({ type: [String] }) @Names() products?: string[];
  @ApiPropertyOptional({ type: [String], description: "the account's tier (see accounts)" })
  @Names()
  accountTiers?: string[];
}

class SlaCalendarDto {
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone' })
  @IsString()
  timeZone!: string;
  @ApiProperty({
    description: `"24x7", or per weekday (${WEEKDAYS.join(', ')}) a list of "HH:MM-HH:MM" ranges in local time; a day left out is closed`,
    example: { mon: ['09:00-17:00'], fri: ['09:00-12:00', '13:00-16:00'] },
    oneOf: [
      { type: 'string', enum: ['24x7'] },
      { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    ],
  })
  @IsDefined()
  hours!: SlaPolicyTerms['calendar']['hours'];
  @ApiPropertyOptional({
    type: [String],
    description: 'local dates (YYYY-MM-DD) the clocks stand still',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  holidays?: string[];
}

const DURATION = 'ISO 8601 duration of business time (PT1M, PT4H, P2D)';
class SlaTargetsDto {
  @ApiPropertyOptional({ description: `until the first outbound contact: ${DURATION}` })
  @IsOptional()
  @IsString()
  firstResponse?: string;
  @ApiPropertyOptional({
    description: `from each inbound contact to the next outbound one: ${DURATION}`,
  })
  @IsOptional()
  @IsString()
  nextResponse?: string;
  @ApiPropertyOptional({ description: `until the resolution: ${DURATION}` })
  @IsOptional()
  @IsString()
  resolution?: string;
}

class SlaEscalationStepDto {
  @ApiProperty({ enum: ESCALATION_LEVELS })
  @IsIn(ESCALATION_LEVELS)
  level!: EscalationLevel;
  @ApiProperty({
    description: 'ISO 8601 duration after the breach (wall-clock); PT0S at the breach',
  })
  @IsString()
  after!: string;
  @ApiPropertyOptional({ description: "tell the account's sales team (default false)" })
  @IsOptional()
  @IsBoolean()
  notifySales?: boolean;
}

class DefineSlaPolicyDto extends CommandDto {
  @ApiProperty() @Text(SHORT) name!: string;
  @ApiPropertyOptional({
    description:
      'lower first: the first matching policy by priority holds a new case (default 100)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority?: number;
  @ApiPropertyOptional({
    type: SlaMatchDto,
    description: 'every list given must contain the case’s value; none: every case',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => SlaMatchDto)
  match?: SlaMatchDto;
  @ApiProperty({ type: SlaCalendarDto })
  @ValidateNested()
  @Type(() => SlaCalendarDto)
  calendar!: SlaCalendarDto;
  @ApiProperty({ type: SlaTargetsDto })
  @ValidateNested()
  @Type(() => SlaTargetsDto)
  targets!: SlaTargetsDto;
  @ApiPropertyOptional({
    description: `share of a target at which a warning is recorded (default ${DEFAULT_WARN_AT})`,
  })
  @IsOptional()
  @IsNumber()
  warnAt?: number;
  @ApiPropertyOptional({
    type: [SlaEscalationStepDto],
    description: 'levels rising team, manager, executive',
  })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SlaEscalationStepDto)
  escalation?: SlaEscalationStepDto[];
}

const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** The policy a body sets, with heard's defaults; a rule of the domain it breaks is a 400 naming the field. */
const termsOf = (body: DefineSlaPolicyDto): SlaPolicyTerms => {
  const { calendar, escalation, match, targets, priority, warnAt, name } = bodyOf(body);
  const terms: SlaPolicyTerms = {
    name,
    priority: priority ?? 100,
    match: defined({ ...match }),
    calendar: {
      timeZone: calendar.timeZone,
      hours: calendar.hours,
      holidays: calendar.holidays ?? [],
    },
    targets: defined({ ...targets }),
    warnAt: warnAt ?? DEFAULT_WARN_AT,
    escalation: (escalation ?? []).map((s) => ({
      level: s.level,
      after: s.after,
      notifySales: s.notifySales ?? false,
    })),
  };
  const problems = slaPolicyProblems(terms);
  if (problems.length)
    throw new ValidationFailed(
      problems.map((p) => ({ field: p.field, rules: { [p.rule]: p.message } })),
    );
  return terms;
};

/** SLA policies, versioned: supervisors (and admins) set them; a case keeps the version it opened under. */
export const SLA_POLICY_COMMANDS: { readonly [T in SlaPolicyCommand['type']]: CommandDescription } =
  {
    DefineSlaPolicy: spec<DefineSlaPolicyDto>({
      dto: DefineSlaPolicyDto,
      method: 'PUT',
      route: 'sla-policies/:policyId',
      allow: ['supervisor'],
      note: 'a new version of the policy; cases opened before keep the version they opened under',
      build: (b, params, ctx) => ({
        type: 'DefineSlaPolicy',
        policyId: p(params, 'policyId'),
        terms: termsOf(b),
        at: ctx.at,
      }),
    }),
  };
