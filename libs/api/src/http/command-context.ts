import type { CommandContext } from '../commands/command-gateway';

type Headers = Record<string, string | string[] | undefined>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Reads the command context from HTTP headers. */
export const contextFromHeaders = (headers: Headers): CommandContext => ({
  idempotencyKey: one(headers['idempotency-key']),
  correlationId: one(headers['x-correlation-id']),
  actorId: one(headers['x-actor-id']),
  actorKind: one(headers['x-actor-kind']),
  actorRole: one(headers['x-actor-role']),
});
