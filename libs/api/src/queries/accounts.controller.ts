import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  accountDecider,
  DomainRuleViolation,
  fold,
  streamIds,
  type AccountDefined,
} from '@heard/domain';
import { EVENT_STORE, type EventStore } from '@heard/event-store';
import { parseDayOrInstant, ValidationFailed } from '@heard/commands';
import { Allow } from '../http/access-control';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';

/** An account as heard knows it now, or as it stood at `asOf`: read from its own stream. */
@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  @Get(':accountId')
  @Allow('agent', 'supervisor', 'analyst', 'product', 'integration')
  @ApiQuery({
    name: 'asOf',
    required: false,
    description: 'ISO 8601: the account as it stood then (when each version was recorded)',
  })
  @Answers('Account')
  async get(
    @Param('accountId') accountId: string,
    @Query('asOf') asOf: string | undefined,
  ): Promise<HeardAnswers['Account']> {
    const at = asOf === undefined ? undefined : parseDayOrInstant(asOf);
    if (asOf !== undefined && at === undefined)
      throw new ValidationFailed(
        [
          {
            field: 'asOf',
            rules: { isIso8601: 'asOf must be an ISO 8601 day or instant with its offset' },
          },
        ],
        'query',
      );
    const versions = (await this.events.readStream(streamIds.account(accountId)))
      .filter((e) => at === undefined || Date.parse(e.metadata.occurredAt) <= at)
      .map((e) => ({ type: e.type, data: e.data }) as AccountDefined);
    if (versions.length === 0)
      throw new DomainRuleViolation(
        'account.not_found',
        'not_found',
        at === undefined
          ? `Account ${accountId} is not known; PUT /accounts/${accountId} defines it`
          : `Account ${accountId} was not known at ${asOf}`,
      );
    const state = fold(accountDecider, versions);
    return { ...(state as AccountDefined['data']), versions: versions.length };
  }
}
