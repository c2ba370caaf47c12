import { CommandHandler, type Event } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import express from 'express';
import { randomUUID } from 'node:crypto';

/**
 * The peer of heard's durable HTTP command path: an Express web API over Emmett's
 * PostgreSQL event store with one command handler (read the case's stream, evolve, append
 * one event), as Emmett's samples write it. Its Express helpers (emmett-expressjs) are
 * published only for older Emmett lines (0.20, 0.35 alpha), not for the 0.42 heard's bench
 * uses, so the route is written with Express itself: the same work those helpers wrap.
 */
type ContactLogged = Event<
  'ContactLogged',
  {
    caseId: string;
    contactId: string;
    channel: string;
    direction: string;
    agentId: string;
    note: string;
    loggedAt: string;
  }
>;

const handle = CommandHandler<{ contacts: number }, ContactLogged>({
  evolve: (state) => ({ contacts: state.contacts + 1 }),
  initialState: () => ({ contacts: 0 }),
});

const TEXT = (value: unknown, max: number) =>
  typeof value === 'string' && value.length > 0 && value.length <= max;

const main = () => {
  const [url, port] = [process.argv[2]!, Number(process.argv[3])];
  const store = getPostgreSQLEventStore(url);
  const app = express();
  app.use(express.json());
  app.post('/cases/:caseId/contacts', async (request, response) => {
    const body = request.body as Record<string, unknown>;
    // What heard's DTO checks, in kind: the fields there, text of bounded length.
    const bad = (['channel', 'direction', 'agentId', 'note'] as const).filter(
      (field) => !TEXT(body[field], field === 'note' ? 4000 : 200),
    );
    if (bad.length) {
      response.status(400).json({ fields: bad });
      return;
    }
    try {
      const caseId = request.params.caseId;
      const result = await handle(store, `case-${caseId}`, () => ({
        type: 'ContactLogged',
        data: {
          caseId,
          contactId: randomUUID(),
          channel: String(body.channel),
          direction: String(body.direction),
          agentId: String(body.agentId),
          note: String(body.note),
          loggedAt: new Date().toISOString(),
        },
      }));
      response.status(201).json({
        revision: String(result.nextExpectedStreamVersion),
        position: String(result.lastEventGlobalPosition),
      });
    } catch (error) {
      response.status(500).json({ error: String(error) });
    }
  });
  const server = app.listen(port, '127.0.0.1', () => process.send?.('ready'));
  process.on('SIGTERM', () => server.close(() => void store.close().then(() => process.exit(0))));
};
main();
