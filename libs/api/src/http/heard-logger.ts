import { ConsoleLogger } from '@nestjs/common';

/**
 * Nest's own start-up chatter: a line per module, controller and route (about 70 on heard),
 * then "successfully started". Useful when a route is missing, noise otherwise: it goes to
 * debug (HEARD_LOG_LEVEL=debug shows it), and heard's banner says what a user needs.
 */
const START_UP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/** heard's logger: JSON lines, Nest's start-up lines at debug. */
export class HeardLogger extends ConsoleLogger {
  override log(message: unknown, ...rest: unknown[]) {
    const context = rest.at(-1);
    if (typeof context === 'string' && START_UP_CONTEXTS.has(context)) {
      this.debug(message, ...rest);
      return;
    }
    super.log(message, ...rest);
  }
}
