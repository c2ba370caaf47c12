import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  Matches,
} from 'class-validator';
import {
  CHANGE_KINDS,
  type ChangeKind,
  type ChangeCommand,
  type IncidentCommand,
} from '@heard/domain';

import { CommandDto, ID_PATTERN, IsId, LONG, OptionalText, SHORT, Text } from '../command-dto';
import { ANNOUNCEMENTS, bodyOf, p, spec, type CommandDescription } from '../command-spec';

class AnnounceChangeDto extends CommandDto {
  @ApiPropertyOptional({ description: 'Generated when absent' })
  @IsOptional()
  @IsId()
  changeId?: string;
  @ApiProperty({ enum: CHANGE_KINDS }) @IsIn(CHANGE_KINDS) kind!: ChangeKind;
  @ApiProperty() @Text(LONG) description!: string;
  @ApiPropertyOptional() @OptionalText(SHORT) product?: string;
  @ApiProperty({ description: 'ISO 8601' }) @IsISO8601({ strict: true }) effectiveAt!: string;
}

class DeclareIncidentDto extends CommandDto {
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

class ResolveIncidentDto extends CommandDto {
  @ApiPropertyOptional() @OptionalText(LONG) note?: string;
}

/** Changes and incidents announced, which explain contact volumes and warn customers. */
export const ANNOUNCEMENT_COMMANDS: {
  readonly [T in ChangeCommand['type'] | IncidentCommand['type']]: CommandDescription;
} = {
  AnnounceChange: spec<AnnounceChangeDto>({
    dto: AnnounceChangeDto,
    route: 'changes',
    allow: ANNOUNCEMENTS,
    build: (b, _p, ctx) => ({
      type: 'AnnounceChange',
      ...bodyOf(b),
      changeId: b.changeId ?? ctx.newId('change'),
      at: ctx.at,
    }),
  }),
  DeclareIncident: spec<DeclareIncidentDto>({
    dto: DeclareIncidentDto,
    route: 'incidents',
    allow: ANNOUNCEMENTS,
    build: (b, _p, ctx) => ({
      type: 'DeclareIncident',
      ...bodyOf(b),
      incidentId: b.incidentId ?? ctx.newId('incident'),
      at: ctx.at,
    }),
  }),
  ResolveIncident: spec<ResolveIncidentDto>({
    dto: ResolveIncidentDto,
    route: 'incidents/:incidentId/resolution',
    allow: ANNOUNCEMENTS,
    build: (b, params, ctx) => ({
      type: 'ResolveIncident',
      ...bodyOf(b),
      incidentId: p(params, 'incidentId'),
      at: ctx.at,
    }),
  }),
};
