import { Body, Controller, Headers, HttpCode, Inject, Logger, Post } from '@nestjs/common';
import type { Principal } from '@heard/security';
import { ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import { Allow, Caller } from '../http/access-control';
import { toErrorBody } from '../http/error.filter';
import { ValidationFailed } from '../http/errors';
import { COMMAND_TYPES } from './command-catalog';
import { executeEnvelope, type CommandEnvelope } from './command-envelope';
import { CommandGateway, type CommandReceipt } from './command-gateway';

export type BatchItem = CommandEnvelope;

export interface BatchResult {
  index: number;
  status: number;
  body: CommandReceipt | ReturnType<typeof toErrorBody>;
}

/** Streams started per turn of the event loop. */
const YIELD_EVERY = 50;

/** Commands on one stream run in the order given; different streams run side by side. */
const streamKey = (item: BatchItem, index: number): string => {
  const d = item.data ?? {};
  for (const key of ['caseId', 'issueId', 'changeId', 'incidentId'] as const)
    if (typeof d[key] === 'string') return `${key}:${d[key]}`;
  return `#${index}`;
};

@ApiTags('commands')
@Controller('commands')
export class BatchController {
  private readonly logger = new Logger('batch');
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
  ) {}

  /** Many commands in one request, each answered on its own, as if sent to its own route. */
  @Post()
  @HttpCode(200)
  // Whoever may send some command; each item is held to its own command's roles.
  @Allow('agent', 'supervisor', 'product', 'integration')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['commands'],
      properties: {
        commands: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'data'],
            properties: {
              type: { type: 'string', enum: [...COMMAND_TYPES] },
              commandId: { type: 'string' },
              correlationId: { type: 'string' },
              occurredAt: { type: 'string', format: 'date-time' },
              data: {
                type: 'object',
                description: "The route's body plus its path parameters (caseId, fixId, …)",
              },
            },
          },
        },
      },
    },
  })
  @ApiOkResponse({
    description:
      "results[i] answers commands[i]: status 201, 400, 403 (a type the caller's role may not send), 404, 409 or 422 and its body",
  })
  async run(
    @Body() body: { commands?: unknown },
    @Caller() caller: Principal,
    @Headers('x-correlation-id') correlationId?: string,
  ) {
    const items = body?.commands;
    if (!Array.isArray(items) || items.length === 0 || items.length > this.config.batchMaxCommands)
      throw new ValidationFailed([
        {
          field: 'commands',
          rules: {
            arrayLength: `commands must be an array of 1 to ${this.config.batchMaxCommands} commands`,
          },
        },
      ]);
    const results: BatchResult[] = new Array<BatchResult>(items.length);
    const groups = new Map<string, number[]>();
    (items as BatchItem[]).forEach((item, index) => {
      const key = typeof item === 'object' && item ? streamKey(item, index) : `#${index}`;
      groups.set(key, [...(groups.get(key) ?? []), index]);
    });
    const running: Promise<void>[] = [];
    for (const indexes of groups.values()) {
      // Validating a command is synchronous, and so are the store's promises: a thousand of
      // them started at once would hold the event loop (health, other requests) for a second.
      if (running.length % YIELD_EVERY === YIELD_EVERY - 1)
        await new Promise((resolve) => setImmediate(resolve));
      running.push(
        (async () => {
          for (const index of indexes)
            results[index] = await this.runOne(
              items[index] as BatchItem,
              index,
              caller,
              correlationId,
            );
        })(),
      );
    }
    await Promise.all(running);
    return {
      accepted: results.filter((r) => r.status === 201).length,
      failed: results.filter((r) => r.status !== 201).length,
      results,
    };
  }

  private async runOne(
    item: BatchItem,
    index: number,
    caller: Principal,
    correlationId?: string,
  ): Promise<BatchResult> {
    try {
      return {
        index,
        status: 201,
        body: await executeEnvelope(this.gateway, item, { caller, correlationId }),
      };
    } catch (error) {
      // Answered on its own, also on a fault of ours: the items before it were written, and a
      // client must see which, not a 500 for the whole batch that it would retry blindly.
      const body = toErrorBody(error);
      if (body.statusCode >= 500)
        this.logger.error(error instanceof Error ? error.stack : String(error));
      return { index, status: body.statusCode, body };
    }
  }
}
