import 'reflect-metadata';
import { ConfigError, loadConfig } from '@heard/config';
import { createHeardApp } from '@heard/api';

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
  const app = await createHeardApp(config);
  await app.listen(config.port, config.host);
  console.log(
    `heard listening on http://localhost:${config.port} (API docs at /docs); data in ${config.dataDir}`,
  );
};

void main();
