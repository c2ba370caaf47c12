import 'reflect-metadata';
import { loadConfig, StartRefused, storesAreShared } from '@heard/config';
import { createHeardApp } from './create-heard-app';

const main = async () => {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof StartRefused) {
      console.error(`heard cannot start.\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  try {
    // listen() runs the start hooks too (projections, migrations): their refusals land here.
    const app = await createHeardApp(config);
    await app.listen(config.port, config.host);
  } catch (error) {
    if (error instanceof StartRefused) {
      console.error(`heard cannot start.\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  console.log(
    config.roles.includes('api')
      ? `heard listening on http://localhost:${config.port} (API docs at /docs); ${storesAreShared(config) ? `roles ${config.roles.join(', ')}` : `data in ${config.dataDir}`}`
      : `heard running ${config.roles.join(', ')}; health and metrics on http://localhost:${config.port}/health`,
  );
};

void main();
