import { KpiDefinitionsController } from './reports/kpi-definitions.controller';
import { Module, type DynamicModule } from '@nestjs/common';
import { READ_STORE, type ReadStore } from '@heard/read-store';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import { AdminKeyBootstrap } from './admin/admin-key-bootstrap';
import { ApiKeysController } from './admin/api-keys.controller';
import { ErasureController } from './admin/erasure.controller';
import { BatchController } from './commands/batch.controller';
import { CommandsController } from './commands/commands.controller';
import { TurnBudget } from './http/turn-budget';
import { OpsController } from './ops/ops.controller';
import { QueriesController } from './queries/queries.controller';
import { CandidateAcceptanceController } from './reports/candidate-acceptance.controller';
import { FollowUpsController } from './reports/follow-ups.controller';
import { ReportThread } from './reports/report-thread';
import { ReportsController } from './reports/reports.controller';
import { SlaController } from './reports/sla.controller';
import { AccountsController } from './queries/accounts.controller';
import { OwnersController } from './queries/owners.controller';
import { TrackerWebhooks } from '@heard/trackers';
import { WebhooksController } from './webhooks/webhooks.controller';

/**
 * heard's HTTP API: its routes, over the stores, the write path and the health of the
 * process that composes it (a global module of that process provides them).
 */
@Module({})
export class ApiModule {
  /** `turns`: the HTTP guards' turn budget, shared with the batch route's items. */
  static forRoot(turns: TurnBudget): DynamicModule {
    return {
      module: ApiModule,
      controllers: [
        CommandsController,
        BatchController,
        QueriesController,
        ReportsController,
        KpiDefinitionsController,
        SlaController,
        AccountsController,
        OwnersController,
        FollowUpsController,
        CandidateAcceptanceController,
        OpsController,
        ApiKeysController,
        ErasureController,
        WebhooksController,
      ],
      providers: [
        { provide: TurnBudget, useValue: turns },
        {
          provide: ReportThread,
          inject: [HEARD_CONFIG, READ_STORE],
          useFactory: (config: HeardConfig, reads: ReadStore) =>
            new ReportThread(config.readStore, reads),
        },
        AdminKeyBootstrap,
        TrackerWebhooks,
      ],
    };
  }
}

/** What an instance without the api role serves over HTTP: health and metrics only. */
@Module({ controllers: [OpsController] })
export class OpsRoutesModule {}
