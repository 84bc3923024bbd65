// One queue in front of the models. Jobs run one at a time, highest priority first, in arrival
// order within a priority. A job's AbortSignal removes it from the queue before it starts, and is
// handed to the job so a running generation stops within a token or two. Code completions run
// beside the queue (runBeside: on a context of their own, never behind a chat answer), and while
// one runs no background job starts.
import type { JobPriority } from "../common/engine/engineProtocol";
import { EngineError } from "../common/engine/engineError";
import { localize } from "../common/localize";

const priorityRank: Record<JobPriority, number> = { interactive: 0, review: 1, background: 2 };

interface QueuedJob {
  label: string;
  priority: JobPriority;
  sequence: number;
  signal: AbortSignal | undefined;
  start: () => void;
  cancel: (error: EngineError) => void;
}

export class Scheduler {
  private readonly queue: QueuedJob[] = [];
  private running: string | null = null;
  private nextSequence = 0;
  /** Jobs running beside the queue (code completions). */
  private beside = 0;

  get queuedJobs(): number {
    return this.queue.length;
  }

  get runningJob(): string | null {
    return this.running;
  }

  /** Runs `job` when its turn comes. Rejects with a `cancelled` EngineError when aborted while queued. */
  run<T>(label: string, priority: JobPriority, signal: AbortSignal | undefined, job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(cancelledError());
        return;
      }
      const entry: QueuedJob = {
        label,
        priority,
        sequence: this.nextSequence++,
        signal,
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          this.running = label;
          job()
            .then(resolve, reject)
            .finally(() => {
              this.running = null;
              this.pump();
            });
        },
        cancel: (error) => reject(error),
      };
      const onAbort = (): void => {
        const index = this.queue.indexOf(entry);
        if (index >= 0) {
          this.queue.splice(index, 1);
          entry.cancel(cancelledError());
        }
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(entry);
      this.queue.sort(
        (a, b) => priorityRank[a.priority] - priorityRank[b.priority] || a.sequence - b.sequence,
      );
      this.pump();
    });
  }

  /**
   * Runs `job` now, beside the queue: for code completion, which has a context of its own and must
   * not wait for the job running in the queue. Background jobs do not start until it has ended.
   */
  async runBeside<T>(_label: string, job: () => Promise<T>): Promise<T> {
    this.beside++;
    try {
      return await job();
    } finally {
      this.beside--;
      this.pump();
    }
  }

  /** Jobs running beside the queue now. */
  get besideJobs(): number {
    return this.beside;
  }

  /** Fails every queued job (used when the engine shuts down). */
  rejectAll(error: EngineError): void {
    for (const entry of this.queue.splice(0)) entry.cancel(error);
  }

  private pump(): void {
    if (this.running !== null) return;
    const next = this.queue[0];
    if (!next) return;
    // The queue is in priority order: a background job at its head means only background jobs wait.
    if (next.priority === "background" && this.beside > 0) return;
    this.queue.shift();
    next.start();
  }
}

export function cancelledError(): EngineError {
  return new EngineError("cancelled", localize("The request was cancelled."));
}
