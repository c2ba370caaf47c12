import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsISO4217CurrencyCode,
  IsNumber,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { AccountCommand } from '@heard/domain';
import { CommandDto, IsId, SHORT, Text } from '../command-dto';
import { bodyOf, p, spec, type CommandDescription } from '../command-spec';

class AnnualRevenueDto {
  @ApiProperty({ minimum: 0 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1e15)
  amount!: number;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217 currency code' })
  @IsISO4217CurrencyCode()
  currency!: string;
}

class DefineAccountDto extends CommandDto {
  @ApiProperty() @Text(SHORT) name!: string;
  @ApiProperty({ example: 'enterprise', description: 'a word the organisation chooses' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/, {
    message: 'tier must be one word of 1 to 50 letters, digits, "_" or "-"',
  })
  tier!: string;
  @ApiPropertyOptional({ type: AnnualRevenueDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AnnualRevenueDto)
  annualRevenue?: AnnualRevenueDto;
  @ApiProperty({ description: "the account's sales owner" }) @IsId() ownerId!: string;
  @ApiPropertyOptional() @IsOptional() @IsId() successManagerId?: string;
}

/** Accounts, as a CRM (or its integration), a supervisor or an admin says they are now. */
export const ACCOUNT_COMMANDS: { readonly [T in AccountCommand['type']]: CommandDescription } = {
  DefineAccount: spec<DefineAccountDto>({
    dto: DefineAccountDto,
    method: 'PUT',
    route: 'accounts/:accountId',
    allow: ['integration', 'supervisor'],
    note: 'a new version of the account; SLA policies match new cases on its tier',
    build: (b, params, ctx) => {
      const { annualRevenue, ...rest } = bodyOf(b);
      return {
        type: 'DefineAccount',
        accountId: p(params, 'accountId'),
        terms: {
          ...rest,
          ...(annualRevenue
            ? {
                annualRevenue: {
                  amount: annualRevenue.amount,
                  currency: annualRevenue.currency.toUpperCase(),
                },
              }
            : {}),
        },
        at: ctx.at,
      };
    },
  }),
};
