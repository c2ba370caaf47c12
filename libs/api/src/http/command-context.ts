import type { FastifyRequest } from 'fastify';
import type { CommandContext } from '@heard/commands';

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The command context of an HTTP request: its caller, and what its headers say. */
export const contextFromRequest = (request: FastifyRequest): CommandContext => {
  const headers = request.headers;
  if (!request.principal) throw new Error('A command route must admit roles, not anyone');
  return {
    caller: request.principal,
    idempotencyKey: one(headers['idempotency-key']),
    correlationId: one(headers['x-correlation-id']),
    actorId: one(headers['x-actor-id']),
    actorKind: one(headers['x-actor-kind']),
    actorRole: one(headers['x-actor-role']),
  };
};
