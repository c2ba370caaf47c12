import { ValidationFailed } from './errors';
import { commandSpec } from './command-catalog';
import type { CommandGateway, CommandContext, CommandReceipt } from './command-gateway';

/** One command outside HTTP (a batch item, a Kafka message): its type, and path parameters and body together in `data`. */
interface CommandEnvelope {
  type: string;
  commandId?: string;
  correlationId?: string;
  /** Business time, for commands whose body has no occurredAt (history loads). */
  occurredAt?: string;
  data: Record<string, unknown>;
}

/** Runs an envelope through the same validation and handler as its HTTP route. */
export const executeEnvelope = (
  gateway: CommandGateway,
  envelope: unknown,
  defaults: CommandContext,
): Promise<CommandReceipt> => {
  const item = envelope as Partial<CommandEnvelope> | null;
  if (typeof item !== 'object' || item === null || typeof item.type !== 'string')
    return Promise.reject(
      new ValidationFailed([{ field: 'type', rules: { isString: 'each command needs a type' } }]),
    );
  if (
    item.data !== undefined &&
    (typeof item.data !== 'object' || item.data === null || Array.isArray(item.data))
  )
    return Promise.reject(
      new ValidationFailed([{ field: 'data', rules: { isObject: 'data must be a JSON object' } }]),
    );
  const data: Record<string, unknown> = { ...(item.data ?? {}) };
  const params: Record<string, string> = {};
  for (const name of commandSpec(item.type)?.params ?? []) {
    params[name] = data[name] as string;
    delete data[name];
  }
  return gateway.execute(item.type, params, data, {
    ...defaults,
    idempotencyKey: typeof item.commandId === 'string' ? item.commandId : defaults.idempotencyKey,
    correlationId:
      typeof item.correlationId === 'string' ? item.correlationId : defaults.correlationId,
    occurredAt: typeof item.occurredAt === 'string' ? item.occurredAt : defaults.occurredAt,
  });
};
