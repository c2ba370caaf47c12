import { createHttpApp } from '@heard/api';
import { lockDataFolder, storesAreShared, type HeardConfig } from '@heard/config';
import { ApiInstanceModule, WorkerModule } from './process-modules';

/**
 * heard as configured: an API instance, or a worker when HEARD_ROLES leaves out api. What
 * `npm start`, the tests and the benchmark run.
 */
export const createHeardApp = async (config: HeardConfig, options: { logs?: boolean } = {}) => {
  // First, before any store is opened: one heard per data folder (throws DataFolderLocked).
  // Stores on servers keep nothing there: any number of instances may share them.
  const lock = storesAreShared(config) ? undefined : lockDataFolder(config.dataDir);
  try {
    return await createHttpApp(
      config,
      (turns) =>
        config.roles.includes('api')
          ? ApiInstanceModule.forRoot(config, lock, turns)
          : WorkerModule.forRoot(config, lock),
      options,
    );
  } catch (error) {
    lock?.release();
    throw error;
  }
};
