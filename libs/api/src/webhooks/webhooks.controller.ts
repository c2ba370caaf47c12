import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TRACKER_NAMES, TRACKERS, type Tracker } from '@heard/domain';
import { WEBHOOK_SECRET_SETTINGS } from '@heard/config';
import { TrackerWebhooks } from '@heard/trackers';
import { OpenRoute } from '../http/access-control';
import { Answers } from '../http/answer-docs';
import type { HeardAnswers } from '../http/answers';
import { WebhookRefused } from '../http/errors';

/**
 * The trackers' webhooks. Open routes: a delivery proves itself with its tracker's
 * signature (checked on the bytes as sent, before the body is read), not with a heard key.
 */
@ApiTags('trackers')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: TrackerWebhooks) {}

  @Post(':tracker')
  @OpenRoute()
  @ApiParam({ name: 'tracker', enum: TRACKERS })
  @ApiBody({ description: "The tracker's own webhook payload, as it signed it" })
  @Answers('WebhookDelivery')
  async receive(
    @Param('tracker') tracker: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HeardAnswers['WebhookDelivery']> {
    if (!(TRACKERS as readonly string[]).includes(tracker))
      throw new WebhookRefused(
        404,
        'webhook.unknown_tracker',
        `No webhook receiver for "${tracker.slice(0, 50)}": heard receives ${TRACKERS.map((t) => `/webhooks/${t}`).join(', ')}`,
      );
    const known = tracker as Tracker;
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await this.webhooks.receive(known, request.headers, body);
    switch (answer.status) {
      case 'off':
        throw new WebhookRefused(
          404,
          'webhook.not_configured',
          `The ${TRACKER_NAMES[known]} receiver is off: set ${WEBHOOK_SECRET_SETTINGS[known]} to the secret the webhook is set up with`,
        );
      case 'refused':
        throw new WebhookRefused(
          401,
          'webhook.signature_invalid',
          `${answer.reason}; nothing was written`,
        );
      case 'malformed':
        throw new WebhookRefused(400, 'invalid_json', `${answer.reason}; nothing was written`);
      case 'taken': {
        const { status: _, ...taken } = answer;
        // 202: taken and nothing to record (no linked issue, not an issue event).
        void reply.status(taken.outcomes.some((o) => o.result !== 'ignored') ? 200 : 202);
        return taken;
      }
    }
  }
}
