import { Body, Controller, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { admittedRoles } from '@heard/security';
import { Allow } from '../http/access-control';
import { Answers } from '../http/answer-docs';
import { contextFromRequest } from '../http/command-context';
import { COMMANDS, type CommandSpec, CommandGateway, type CommandReceipt } from '@heard/commands';

/**
 * One route per command, generated from the catalog (route, DTO, parameters, access): adding
 * a command is one catalog entry. Each route runs the command through the gateway, and says
 * in a header when the answer is a replay.
 */
@ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description:
    "A retried command with the same key (the same caller's) appends nothing and answers the same",
})
@Controller()
export class CommandsController {
  constructor(private readonly gateway: CommandGateway) {}

  async run(
    spec: CommandSpec,
    params: Record<string, string>,
    body: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Omit<CommandReceipt, 'replayed'>> {
    const { replayed, ...receipt } = await this.gateway.execute(
      spec.type,
      params,
      body,
      contextFromRequest(request),
    );
    // The retried request answers the same body; only this header tells that it was a replay.
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    return receipt;
  }
}

type RouteHandler = (
  this: CommandsController,
  params: Record<string, string>,
  body: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<unknown>;

const methodNameOf = (spec: CommandSpec) => spec.type[0]!.toLowerCase() + spec.type.slice(1);

const addRoute = (spec: CommandSpec) => {
  const prototype = CommandsController.prototype as unknown as Record<string, RouteHandler>;
  const name = methodNameOf(spec);
  const handler: RouteHandler = function (params, body, request, reply) {
    return this.run(spec, params, body, request, reply);
  };
  Object.defineProperty(prototype, name, { value: handler, writable: true, configurable: true });
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
  Param()(prototype, name, 0);
  Body()(prototype, name, 1);
  Req()(prototype, name, 2);
  Res({ passthrough: true })(prototype, name, 3);
  Reflect.defineMetadata('design:paramtypes', [Object, spec.dto, Object, Object], prototype, name);
  const decorators: MethodDecorator[] = [
    spec.method === 'PUT' ? Put(spec.route) : Post(spec.route),
    HttpCode(201),
    Allow(...spec.allow),
    ApiTags(spec.tag),
    ApiOperation({
      // Unique, as OpenAPI requires: every route's handler function has one name.
      operationId: `CommandsController_${name}`,
      summary: spec.type,
      description: `Roles: ${admittedRoles({ kind: 'roles', roles: spec.allow }).join(', ')}`,
    }),
    ApiBody({ type: spec.dto }),
    Answers('CommandAnswer', 201),
    ...spec.params.map((param) => ApiParam({ name: param, type: String })),
  ];
  for (const decorate of decorators) decorate(prototype, name, descriptor);
};

for (const spec of COMMANDS) addRoute(spec);
