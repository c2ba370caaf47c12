import { Body, Controller, Headers, HttpCode, Inject, Logger, Post } from '@nestjs/common';
import type { Principal } from '@heard/security';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import { Allow, Caller } from '../http/access-control';
import { toErrorBody } from '../http/error.filter';
import { Answers } from '../http/answer-docs';
import type { BatchItemAnswer, HeardAnswers } from '../http/answers';
import { ValidationFailed, COMMAND_TYPES, executeEnvelope, CommandGateway } from '@heard/commands';
import { TurnBudget } from '../http/turn-budget';
import { BatchCommands, type BatchBody } from './batch-body';

type BatchResult = BatchItemAnswer;

/**
 * Streams of one batch in flight at once. Enough for the appends to share commits; few enough
 * that a batch of 1,000 large commands does not hold 1,000 bodies sealed, queued and copied to
 * the append thread at once, nor start 1,000 validations in one turn of the event loop.
 */
export const BATCH_STREAMS_IN_FLIGHT = 64;

@ApiTags('commands')
@Controller('commands')
export class BatchController {
  private readonly logger = new Logger('batch');
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
    private readonly turns: TurnBudget,
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
  @Answers(
    'Batch',
    200,
    "results[i] answers commands[i]: status 201, 400, 403 (a type the caller's role may not send), 404, 409 or 422 and its body",
  )
  async run(
    @Body() body: BatchBody | undefined,
    @Caller() caller: Principal,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<HeardAnswers['Batch']> {
    const commands = body?.commands;
    if (
      !(commands instanceof BatchCommands) ||
      commands.length === 0 ||
      commands.length > this.config.batchMaxCommands
    )
      throw new ValidationFailed([
        {
          field: 'commands',
          rules: {
            arrayLength: `commands must be an array of 1 to ${this.config.batchMaxCommands} commands`,
          },
        },
      ]);
    const results: BatchResult[] = new Array<BatchResult>(commands.length);
    const groups = new Map<string, number[]>();
    commands.streamKeys.forEach((key, index) => {
      const group = groups.get(key);
      if (group) group.push(index);
      else groups.set(key, [index]);
    });
    const streams = [...groups.values()];
    let next = 0;
    const runStreams = async () => {
      for (let indexes = streams[next++]; indexes; indexes = streams[next++])
        for (const index of indexes) {
          // Each item is started like a request of its own: a few per turn of the event loop.
          await this.turns.take();
          results[index] = await this.runOne(commands.item(index), index, caller, correlationId);
        }
    };
    await Promise.all(
      Array.from({ length: Math.min(BATCH_STREAMS_IN_FLIGHT, streams.length) }, runStreams),
    );
    return {
      accepted: results.filter((r) => r.status === 201).length,
      failed: results.filter((r) => r.status !== 201).length,
      results,
    };
  }

  private async runOne(
    item: unknown,
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
