import 'reflect-metadata';
import { ConfigError, DataFolderLocked, loadConfig } from '@heard/config';
import { createHeardApp } from '@heard/api';
import { KafkaUnavailable } from '@heard/messaging';

const main = async () => {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`heard cannot start.\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  let app;
  try {
    app = await createHeardApp(config);
  } catch (error) {
    if (error instanceof KafkaUnavailable || error instanceof DataFolderLocked) {
      console.error(`heard cannot start.\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  await app.listen(config.port, config.host);
  console.log(
    `heard listening on http://localhost:${config.port} (API docs at /docs); data in ${config.dataDir}`,
  );
};

void main();
