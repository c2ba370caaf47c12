import type { OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import type { StoreLocation } from '@heard/config';
import { compiledWorkerFile, WorkerCalls } from '@heard/event-store';
import {
  findCandidateIssues,
  type CandidateIssuesReport,
  type CandidateOptions,
} from '@heard/projections';
import type { ReadStore } from '@heard/read-store';

export type ReportCall = { type: 'candidate-issues'; options: CandidateOptions };
export type FromReportThread =
  { id: number; reply: unknown } | { id: number; error: { name: string; message: string } };

/**
 * Reports whose work grows with the cases (candidate issues cluster every unlinked case's
 * words) run in a thread of their own, on its own connection to the read store: the API
 * thread stays free for /health/live and every other request while they run. Calls queue in
 * the thread; one that dies is started again at the next call. A read store only this process
 * can see (an in-memory one) is read here instead.
 */
export class ReportThread implements OnModuleDestroy {
  private worker?: Worker;
  private calls?: WorkerCalls<unknown, ReportCall>;

  constructor(
    private readonly location: StoreLocation,
    private readonly reads: ReadStore,
  ) {}

  candidateIssues(options: CandidateOptions): Promise<CandidateIssuesReport> {
    if (!this.threaded) return findCandidateIssues(this.reads, options);
    return this.call({ type: 'candidate-issues', options }) as Promise<CandidateIssuesReport>;
  }

  private get threaded(): boolean {
    return (
      this.location.kind === 'postgres' ||
      (this.location.kind === 'sqlite' && this.location.file !== ':memory:')
    );
  }

  private call(message: ReportCall): Promise<unknown> {
    if (!this.calls) this.start();
    return this.calls!.call(message);
  }

  private start(): void {
    const worker = new Worker(compiledWorkerFile(__dirname, 'report.worker'), {
      workerData: { readStore: this.location },
    });
    const calls = new WorkerCalls<unknown, ReportCall>(worker);
    worker.on('message', (message: FromReportThread) =>
      calls.answer(
        message.id,
        'error' in message
          ? { error: Object.assign(new Error(message.error.message), { name: message.error.name }) }
          : { reply: message.reply },
      ),
    );
    const gone = (error: Error) => {
      calls.failAll(error);
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.calls = undefined;
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`The report thread exited (${code})`)));
    this.worker = worker;
    this.calls = calls;
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.calls = undefined;
    await worker?.terminate();
  }
}
