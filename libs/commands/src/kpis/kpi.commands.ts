import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { KPI_NAMES, kpiParameterNames, type KpiCommand, type KpiName } from '@heard/domain';
import { CommandDto, LONG, OptionalText } from '../command-dto';
import { ValidationFailed } from '../errors';
import { bodyOf, p, spec, type CommandDescription } from '../command-spec';

/** Every KPI's parameters, each optional: a definition sets those of its own KPI. */
class DefineKpiDto extends CommandDto {
  @ApiPropertyOptional({
    description:
      'first_contact_resolution: inbound contacts after the opening one, before the first resolution (default 0)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20)
  maxInboundContacts?: number;
  @ApiPropertyOptional({
    description: 'first_contact_resolution: a case handed over may count (default false)',
  })
  @IsOptional()
  @IsBoolean()
  allowHandovers?: boolean;
  @ApiPropertyOptional({
    description:
      "first_contact_resolution: a new case of the customer's within this many days of the resolution undoes it (default none)",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  noRepeatWithinDays?: number;
  @ApiPropertyOptional({
    enum: ['first_resolution', 'ever'],
    description: 'repeat_contacts: inbound contacts counted until (default first_resolution)',
  })
  @IsOptional()
  @IsIn(['first_resolution', 'ever'])
  until?: 'first_resolution' | 'ever';
  @ApiPropertyOptional({
    description: 'reopen_rate: only reopens within this many days of the resolution (default any)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  withinDays?: number;
  @ApiPropertyOptional({
    description:
      "satisfied_share: satisfied when the follow-up's CSAT is at least this (default: its outcome says satisfied)",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  minCsat?: number;
  @ApiPropertyOptional({
    description:
      'hours_to_confirmed_fix: fixes confirmed after more days than this are left out (default none)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  capDays?: number;
  @ApiPropertyOptional({ description: 'Why the definition changed' })
  @OptionalText(LONG)
  note?: string;
}

/** The KPI a route names, and the parameters a body sets: those of another KPI are refused. */
const definitionOf = (body: DefineKpiDto, kpi: string) => {
  if (!(KPI_NAMES as readonly string[]).includes(kpi))
    throw new ValidationFailed([
      {
        field: 'kpi',
        rules: { isIn: `kpi must be one of the following values: ${KPI_NAMES.join(', ')}` },
      },
    ]);
  const { note, ...fields } = bodyOf(body);
  // The validated body has every field of the DTO: those the request gave are the definition.
  const parameters = Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  );
  const own = kpiParameterNames(kpi as KpiName);
  const foreign = Object.keys(parameters).filter((name) => !own.includes(name));
  if (foreign.length)
    throw new ValidationFailed(
      foreign.map((field) => ({
        field,
        rules: {
          isParameterOf: `${field} is not a parameter of ${kpi}; its parameters: ${own.join(', ')}`,
        },
      })),
    );
  return { kpi: kpi as KpiName, parameters, note };
};

/** The outcome KPIs' definitions, versioned: analysts (and admins) set them. */
export const KPI_COMMANDS: { readonly [T in KpiCommand['type']]: CommandDescription } = {
  DefineKpi: spec<DefineKpiDto>({
    dto: DefineKpiDto,
    method: 'PUT',
    route: 'kpi-definitions/:kpi',
    allow: ['analyst'],
    note: "a new version of the KPI's definition: the parameters of that KPI it sets, the rest heard's own",
    build: (b, params, ctx) => ({
      type: 'DefineKpi',
      ...definitionOf(b, p(params, 'kpi')),
      at: ctx.at,
    }),
  }),
};
