import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  AppendReq,
  AppendResp,
  ReadReq,
  ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';

/**
 * A stand-in for EventStoreDB's gRPC wire, NOT a server: it answers the Streams calls the
 * adapter makes with made-up records, keeps every read it is not told to end open (as a real
 * server does while flow control holds back the thousands of records still to send), and
 * counts the calls open at each moment. It proves how the adapter handles its own calls
 * (cancels, deadlines, reconnects); nothing it answers is a rule of the real server.
 */
export interface LocalGrpcWire {
  url: string;
  /** Streams.Read calls (reads and subscriptions) the client has not cancelled and we have not ended. */
  openCalls(): number;
  /** Calls started, of every kind. */
  callsStarted(): number;
  /** Appends that reached the wire, per stream. */
  appendsTo(stream: string): number;
  /** Leaves the next append to `stream` unanswered, as a server drops a retry it cannot check yet. */
  dropNextAppendTo(stream: string): void;
  /** Ends every open subscription, as a server ends one gracefully. */
  endSubscriptions(): void;
  /** Keeps subscriptions open but sends them nothing more, as a stream that hangs. */
  holdSubscriptions(): void;
  /** Reads of $all forwards (what counting by reading costs). */
  forwardReadsOfAll(): number;
  close(): Promise<void>;
}

const TICKS_PER_MS = 10_000n;
const EPOCH_TICKS = 621_355_968_000_000_000n;

const recordOf = (
  stream: string,
  revision: number,
  commit: number,
  type: string,
  id: string = randomUUID(),
  data: Uint8Array = Buffer.from('{}'),
): ReadResp => {
  const record = new ReadResp.ReadEvent.RecordedEvent();
  record.setId(new UUID().setString(id));
  record.setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(stream)));
  record.setStreamRevision(String(revision));
  record.setPreparePosition(String(commit));
  record.setCommitPosition(String(commit));
  const metadata = record.getMetadataMap();
  metadata.set('type', type);
  metadata.set('content-type', 'application/json');
  metadata.set('created', String(BigInt(Date.now()) * TICKS_PER_MS + EPOCH_TICKS));
  record.setCustomMetadata(
    Buffer.from(JSON.stringify({ $correlationId: 'c', $causationId: 'c', eventId: id })),
  );
  record.setData(data);
  const event = new ReadResp.ReadEvent();
  event.setEvent(record);
  event.setCommitPosition(String(commit));
  return new ReadResp().setEvent(event);
};

export const startLocalGrpcWire = async (): Promise<LocalGrpcWire> => {
  const open = new Set<grpc.ServerWritableStream<ReadReq, ReadResp>>();
  let started = 0;
  let forwardReads = 0;
  let holding = false;
  /** heard's events as $all holds them, in order (command records and others aside). */
  const heardLog: Array<{
    stream: string;
    revision: number;
    commit: number;
    type: string;
    id: string;
    data: Uint8Array;
  }> = [];
  let position = 1000;
  /** What was appended, per stream: the ids the client chose and the data, in order. */
  const streams = new Map<string, Array<{ id: string; type: string; data: Uint8Array }>>();
  const appends = new Map<string, number>();
  const toDrop = new Set<string>();
  const server = new grpc.Server();
  const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<never>) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: 'not in this stand-in' }, null);
  server.addService(StreamsService, {
    read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => {
      started += 1;
      open.add(call);
      const done = () => open.delete(call);
      call.on('cancelled', done);
      call.on('close', done);
      const options = call.request.getOptions()!;
      if (options.hasSubscription()) {
        call.write(
          new ReadResp().setConfirmation(
            new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID()),
          ),
        );
        return;
      }
      if (options.hasStream()) {
        const name = Buffer.from(
          options.getStream()!.getStreamIdentifier()!.getStreamName_asU8(),
        ).toString();
        const ids = streams.get(name);
        if (!ids) {
          call.write(
            new ReadResp().setStreamNotFound(
              new ReadResp.StreamNotFound().setStreamIdentifier(
                new StreamIdentifier().setStreamName(Buffer.from(name)),
              ),
            ),
          );
          call.end();
          done();
          return;
        }
        // Backwards from the end, as the adapter reads its own appends back; then, like a
        // long stream, more to come: the call stays open until the client cancels it.
        const records = ids.map((m, revision) =>
          recordOf(name, revision, position + revision, m.type, m.id, m.data),
        );
        // Forwards (a command record) the stream ends; backwards it goes on.
        if (options.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS) {
          records.forEach((r) => call.write(r));
          call.end();
          done();
          return;
        }
        records.reverse().forEach((r) => call.write(r));
        return;
      }
      // $all backwards (head): a server record, then one of heard's, then more that never
      // come before the client cancels. Forwards: the end of $all, at once.
      const toRecord = (e: (typeof heardLog)[number]) =>
        recordOf(e.stream, e.revision, e.commit, e.type, e.id, e.data);
      // Forwards: heard's events after the position asked, then the end of $all.
      if (options.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS) {
        forwardReads += 1;
        const from = Number(options.getAll()?.getPosition()?.getCommitPosition() ?? -1);
        heardLog
          .filter((e) => e.commit > from)
          .slice(0, Number(options.getCount()))
          .forEach((e) => call.write(toRecord(e)));
        call.end();
        done();
        return;
      }
      call.write(recordOf('$stats-127.0.0.1:2113', 0, position + 2, '$statsCollected'));
      const newest = heardLog.at(-1);
      call.write(
        newest
          ? toRecord(newest)
          : recordOf('heard-case-on-the-wire', 0, position + 1, 'CaseOpened'),
      );
    },
    append: (
      call: grpc.ServerReadableStream<AppendReq, AppendResp>,
      callback: grpc.sendUnaryData<AppendResp>,
    ) => {
      started += 1;
      let stream = '';
      let mustBeNew = false;
      const ids: Array<{ id: string; type: string; data: Uint8Array }> = [];
      call.on('data', (request: AppendReq) => {
        if (request.hasOptions()) {
          const options = request.getOptions()!;
          stream = Buffer.from(options.getStreamIdentifier()!.getStreamName_asU8()).toString();
          mustBeNew = options.hasNoStream();
        }
        if (request.hasProposedMessage()) {
          const message = request.getProposedMessage()!;
          ids.push({
            id: message.getId()!.getString(),
            type: message.getMetadataMap().get('type') ?? 'unknown',
            data: message.getData_asU8(),
          });
        }
      });
      call.on('end', () => {
        appends.set(stream, (appends.get(stream) ?? 0) + 1);
        // Never answered: the client's deadline ends the call.
        if (toDrop.delete(stream)) return;
        const existing = streams.get(stream);
        // Only the plainest of expectations, to let two clients race: no_stream on a stream
        // that exists is a conflict. (The real server's idempotency rules are not imitated.)
        if (mustBeNew && existing) {
          const wrong = new AppendResp.WrongExpectedVersion()
            .setCurrentRevision(String(existing.length - 1))
            .setExpectedNoStream(new Empty());
          callback(null, new AppendResp().setWrongExpectedVersion(wrong));
          return;
        }
        const all = [...(existing ?? []), ...ids];
        streams.set(stream, all);
        position += 10;
        // heard's events go into $all, and to live subscriptions (a rough stand-in for the
        // server's filter; a subscription gets only what is appended while it is open).
        if (stream.startsWith('heard-') && !stream.startsWith('heard-command-'))
          ids.forEach((m, i) => {
            const event = {
              stream,
              revision: all.length - ids.length + i,
              commit: position + i,
              ...m,
            };
            heardLog.push(event);
            for (const subscriber of open)
              if (!holding && subscriber.request.getOptions()!.hasSubscription())
                subscriber.write(
                  recordOf(event.stream, event.revision, event.commit, m.type, m.id, m.data),
                );
          });
        const success = new AppendResp.Success()
          .setCurrentRevision(String(all.length - 1))
          .setPosition(
            new AppendResp.Position()
              .setCommitPosition(String(position))
              .setPreparePosition(String(position)),
          );
        callback(null, new AppendResp().setSuccess(success));
      });
    },
    batchAppend: (call: grpc.ServerDuplexStream<unknown, unknown>) =>
      call.emit('error', { code: grpc.status.UNIMPLEMENTED }),
    delete: unimplemented,
    tombstone: unimplemented,
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    openCalls: () => open.size,
    callsStarted: () => started,
    appendsTo: (stream) => appends.get(stream) ?? 0,
    forwardReadsOfAll: () => forwardReads,
    holdSubscriptions: () => void (holding = true),
    dropNextAppendTo: (stream) => void toDrop.add(stream),
    endSubscriptions: () => {
      for (const call of open)
        if (call.request.getOptions()!.hasSubscription()) {
          call.end();
          open.delete(call);
        }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
};
