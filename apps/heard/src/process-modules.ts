import { Module, type DynamicModule } from '@nestjs/common';
import { ApiModule, OpsRoutesModule, type TurnBudget } from '@heard/api';
import type { DataFolderLock, HeardConfig } from '@heard/config';
import { HeardCoreModule } from './heard-core.module';

/** An instance with the api role: heard's core and its HTTP API (and whatever other roles it runs). */
@Module({})
export class ApiInstanceModule {
  static forRoot(
    config: HeardConfig,
    lock: DataFolderLock | undefined,
    turns: TurnBudget,
  ): DynamicModule {
    return {
      module: ApiInstanceModule,
      imports: [HeardCoreModule.forRoot(config, lock), ApiModule.forRoot(turns)],
    };
  }
}

/** A worker (HEARD_ROLES without api): heard's core, with health and metrics on its port. */
@Module({})
export class WorkerModule {
  static forRoot(config: HeardConfig, lock: DataFolderLock | undefined): DynamicModule {
    return {
      module: WorkerModule,
      imports: [HeardCoreModule.forRoot(config, lock), OpsRoutesModule],
    };
  }
}
