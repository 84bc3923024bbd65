// One queue in front of the models. Jobs run one at a time, highest priority first, in arrival
// order within a priority. A job's AbortSignal removes it from the queue before it starts, and is
// handed to the job so a running generation stops within a token or two. Code completions run
// beside the queue (runBeside: on a context of their own, never behind a chat answer), and while
// one runs no background job starts. A background job (an indexer's embedding) cannot be
// interrupted once it runs, so a request that arrives meanwhile waits for it: holdBackground keeps
// them from starting while the user is about to ask (typing in the chat's composer, typing code
// that completion follows, or a client's next step right after an answer), and the request then
// finds the models free.
import type { JobPriority } from "../common/engine/engineProtocol";
import { EngineError } from "../common/engine/engineError";
import { localize } from "../common/localize";

const priorityRank: Record<JobPriority, number> = { interactive: 0, review: 1, background: 2 };
/** The longest one hold may last: a hint that is never renewed never stops the indexer for long. */
export const maxBackgroundHoldMs = 30_000;
/** After a code completion, background jobs wait this long for the next keystroke's request. */
export const completionHoldMs = 1_500;
/**
 * After an answer (a generation or chat job marked followUp), background jobs wait this long for
 * the client's next request: an agent or an API client sends it as soon as the last answer ends (a
 * tool loop, the next step of a plan).
 */
export const followUpHoldMs = 1_000;
/**
 * No follow-up hold starts while a background job has waited this long: a client that asks again
 * and again (a batch of generations, a script) must not stop the indexer for good.
 */
export const followUpStarveMs = 5_000;

export interface SchedulerOptions {
  followUpHoldMs?: number;
  followUpStarveMs?: number;
}

export interface RunOptions {
  /** An answer the client may follow with its next request at once: hold background work a moment after it. */
  followUp?: boolean;
}

interface QueuedJob {
  label: string;
  priority: JobPriority;
  sequence: number;
  /** performance.now() when it was queued. */
  queuedAt: number;
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
  /** Background jobs do not start before this time (performance.now()). */
  private heldUntil = 0;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly followUpHoldMs: number;
  private readonly followUpStarveMs: number;

  constructor(options: SchedulerOptions = {}) {
    this.followUpHoldMs = options.followUpHoldMs ?? followUpHoldMs;
    this.followUpStarveMs = options.followUpStarveMs ?? followUpStarveMs;
  }

  get queuedJobs(): number {
    return this.queue.length;
  }

  get runningJob(): string | null {
    return this.running;
  }

  /** Runs `job` when its turn comes. Rejects with a `cancelled` EngineError when aborted while queued. */
  run<T>(label: string, priority: JobPriority, signal: AbortSignal | undefined, job: () => Promise<T>, options: RunOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) {
        reject(cancelledError());
        return;
      }
      const entry: QueuedJob = {
        label,
        priority,
        sequence: this.nextSequence++,
        queuedAt: performance.now(),
        signal,
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          this.running = label;
          // The queue moves on (and an answer's follow-up hold starts) before its caller hears back.
          const finish = (): void => {
            this.running = null;
            if (options.followUp && !this.backgroundStarved()) this.holdBackground(this.followUpHoldMs);
            this.pump();
          };
          job().then(
            (value) => {
              finish();
              resolve(value);
            },
            (error: unknown) => {
              finish();
              reject(error);
            },
          );
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
      // The next keystroke's completion usually follows within this time; an embedding started in
      // between would make it wait (or share the cores with it).
      this.holdBackground(completionHoldMs);
      this.pump();
    }
  }

  /**
   * Keeps queued background jobs from starting for `ms` (at most maxBackgroundHoldMs) from now, or
   * longer when an earlier hold lasts longer; a job already running goes on. 0 ends every hold.
   */
  holdBackground(ms: number): void {
    const now = performance.now();
    if (!(ms > 0)) {
      this.heldUntil = 0;
    } else {
      const until = now + Math.min(ms, maxBackgroundHoldMs);
      if (until <= this.heldUntil) return;
      this.heldUntil = until;
    }
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    if (this.heldUntil > now) {
      this.holdTimer = setTimeout(() => {
        this.holdTimer = undefined;
        this.pump();
      }, Math.ceil(this.heldUntil - now));
      // A hold never keeps the process alive.
      this.holdTimer.unref?.();
    }
    this.pump();
  }

  /** How much longer background jobs are held (ms; 0 when they may start). */
  get backgroundHeldMs(): number {
    return Math.max(0, Math.round(this.heldUntil - performance.now()));
  }

  /** Whether a queued background job has waited followUpStarveMs or longer. */
  private backgroundStarved(): boolean {
    const now = performance.now();
    return this.queue.some((entry) => entry.priority === "background" && now - entry.queuedAt >= this.followUpStarveMs);
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
    if (next.priority === "background" && (this.beside > 0 || performance.now() < this.heldUntil)) {
      // The hold's timer pumps again when it ends; a completion's end pumps too.
      if (this.beside === 0 && !this.holdTimer) this.holdBackground(this.heldUntil - performance.now());
      return;
    }
    this.queue.shift();
    next.start();
  }
}

export function cancelledError(): EngineError {
  return new EngineError("cancelled", localize("The request was cancelled."));
}
