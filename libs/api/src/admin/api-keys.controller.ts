import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, Matches } from 'class-validator';
import { DomainRuleViolation } from '@heard/domain';
import {
  ACCESS_ROLES,
  ApiKeys,
  KEY_NAME,
  KEY_NAME_RULE,
  KeyNameTaken,
  type AccessRole,
  type ApiKeyRecord,
  type Principal,
} from '@heard/security';
import { validateBody } from '@heard/commands';
import { Allow, Caller } from '../http/access-control';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';

class CreateApiKeyDto {
  @ApiProperty({
    description: `The key's identity, recorded as the actor of what it writes: ${KEY_NAME_RULE}`,
  })
  @Matches(KEY_NAME, { message: `name must be ${KEY_NAME_RULE}` })
  name!: string;
  @ApiProperty({ enum: ACCESS_ROLES })
  @IsIn(ACCESS_ROLES)
  role!: AccessRole;
  @ApiPropertyOptional({
    description:
      'Show customer ids in the clear on customer-level lists (analysts see pseudonyms otherwise)',
  })
  @IsOptional()
  @IsBoolean()
  seesCustomerIds?: boolean;
}

const shown = (record: ApiKeyRecord) => ({
  keyId: record.keyId,
  name: record.name,
  role: record.role,
  seesCustomerIds: record.seesCustomerIds,
  createdAt: record.createdAt,
  createdBy: record.createdBy,
  ...(record.revokedAt ? { revokedAt: record.revokedAt, revokedBy: record.revokedBy } : {}),
});

/** API keys, for admins: made (the secret is shown once), listed without secrets, revoked. */
@ApiTags('access')
@Controller()
export class ApiKeysController {
  constructor(@Inject(ApiKeys) private readonly keys: ApiKeys) {}

  @Post('admin/api-keys')
  @HttpCode(201)
  @Allow('admin')
  @Answers('ApiKeyMade', 201)
  async create(
    @Body() raw: unknown,
    @Caller() caller: Principal,
  ): Promise<HeardAnswers['ApiKeyMade']> {
    const body = validateBody(CreateApiKeyDto, raw);
    try {
      const { record, token } = await this.keys.create({
        name: body.name,
        role: body.role,
        seesCustomerIds: body.seesCustomerIds,
        createdBy: caller.id,
      });
      // The only time the secret is shown: heard keeps its scrypt hash alone.
      return { ...shown(record), secret: token };
    } catch (error) {
      if (error instanceof KeyNameTaken)
        throw new DomainRuleViolation('api_key.name_taken', 'conflict', error.message);
      throw error;
    }
  }

  @Get('admin/api-keys')
  @Allow('admin')
  @Answers('ApiKeys')
  async list(): Promise<HeardAnswers['ApiKeys']> {
    return { keys: (await this.keys.list()).map(shown) };
  }

  @Delete('admin/api-keys/:keyId')
  @Allow('admin')
  @Answers('ApiKey')
  async revoke(
    @Param('keyId') keyId: string,
    @Caller() caller: Principal,
  ): Promise<HeardAnswers['ApiKey']> {
    const record = /^[0-9a-f]{16}$/.test(keyId)
      ? await this.keys.revoke(keyId, caller.id)
      : undefined;
    if (!record) throw new NotFoundException(`No API key ${keyId.slice(0, 100)}`);
    return shown(record);
  }

  /** Who the credential proves: its identity and roles (for tools and the screens). */
  @Get('me')
  @Allow(...ACCESS_ROLES)
  @Answers('Me')
  me(@Caller() caller: Principal): HeardAnswers['Me'] {
    return {
      id: caller.id,
      roles: caller.roles,
      credential: caller.credential,
      seesCustomerIds: caller.seesCustomerIds,
    };
  }
}
