import { parentPort, workerData } from 'node:worker_threads';
import type { StoreLocation } from '@heard/config';
import { findCandidateIssues } from '@heard/projections';
import { openReadStore, SqliteReadStore, type ReadStore } from '@heard/read-store';
import type { FromReportThread, ReportCall } from './report-thread';

/** The report thread (see ReportThread): reads only, on a connection of its own. */
const location = (workerData as { readStore: StoreLocation }).readStore;
let opened: Promise<ReadStore> | undefined;
const reads = () =>
  (opened ??=
    location.kind === 'sqlite'
      ? // The API process checkpoints the file: this thread only reads.
        Promise.resolve(new SqliteReadStore(location.file, { walCheckpoints: false }))
      : openReadStore(location));

const run = async (call: ReportCall): Promise<unknown> => {
  switch (call.type) {
    case 'candidate-issues':
      return findCandidateIssues(await reads(), call.options);
  }
};

parentPort!.on('message', (call: ReportCall & { id: number }) => {
  run(call).then(
    (reply) => parentPort!.postMessage({ id: call.id, reply } satisfies FromReportThread),
    (error: unknown) =>
      parentPort!.postMessage({
        id: call.id,
        error: {
          name: (error as Error).name ?? 'Error',
          message: (error as Error).message ?? String(error),
        },
      } satisfies FromReportThread),
  );
});
