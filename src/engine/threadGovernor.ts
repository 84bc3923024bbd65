// How many threads llama.cpp decodes with, chosen while it runs. llama.cpp's threads wait for each
// other at a barrier after every operation, so when another process takes one of the cores, the
// thread that is descheduled stalls all the others: measured on 2 cores with one kept busy, a
// 0.5B-shape model made 23.4 tok/s at 1 thread and 6.4 (once 0.7) at 2. A laptop always has
// something else running, Hearth's own indexer included; a fixed thread count cannot be right both
// when the machine is quiet and when it is busy.
//
// The governor watches the time between generated tokens. It starts at the physical cores; when the
// pace falls well below what this thread count did before (load arrived), or every so often (load
// left), it tries a neighbouring count for a few tokens and keeps whichever is faster. A try that
// is clearly worse ends after one token, and quiet-machine tries back off exponentially, so their
// cost stays within a few per cent. Pure logic: the clock and the way threads are applied are given.
//
// Only token generation is governed. Evaluating a prompt is compute-bound and gains from every core
// (measured on the 0.5B shape, 2 cores: a 512-token prompt took half the time at 2 threads as at 1),
// while generating a token is bound by memory bandwidth, where 1 thread often does as well as 2. So a
// generation starts at all the cores for its prompt, and the governed count applies from its first
// token until it ends.

export interface ThreadGovernorOptions {
  /** The most threads to use (the physical cores). */
  readonly maxThreads: number;
  /** Applies a thread count to the following decodes. */
  readonly apply: (threads: number) => void;
  readonly now?: () => number;
  /** Log line for each change, for the engine's log. */
  readonly log?: (message: string) => void;
}

/** Token intervals measured per trial. */
const trialTokens = 6;
/** Recent intervals kept per thread count. */
const windowSize = 8;
/** A trial must be this much faster to switch (hysteresis against noise). */
const switchMargin = 0.9;
/** One interval this many times the current median ends a trial at once. */
const abortFactor = 2.5;
/** The pace at the current count has fallen this far behind its best: look for a better count now. */
const slowdownFactor = 1.6;
const firstTrialAfterMs = 2_000;
const longestTrialGapMs = 60_000;

interface Trial {
  readonly threads: number;
  readonly intervals: number[];
  /** The first interval after a switch straddles it; it is not counted. */
  skipped: boolean;
}

export class ThreadGovernor {
  private current: number;
  private readonly now: () => number;
  /** Recent intervals at each count, and the best median seen at each. */
  private readonly recent = new Map<number, number[]>();
  private readonly best = new Map<number, number>();
  private lastTokenAt: number | null = null;
  private trial: Trial | null = null;
  private nextTrialAt: number;
  private trialGapMs = firstTrialAfterMs;
  /** Alternates the direction of quiet-machine trials. */
  private tryFewerNext = true;
  /** Between a generation's first token and its end. */
  private generating = false;

  constructor(private readonly options: ThreadGovernorOptions) {
    this.current = Math.max(1, Math.floor(options.maxThreads));
    this.now = options.now ?? (() => performance.now());
    this.nextTrialAt = this.now() + this.trialGapMs;
    options.apply(this.options.maxThreads);
  }

  /** The thread count decodes use now. */
  get threads(): number {
    return this.trial?.threads ?? this.current;
  }

  /** A generation starts: its prompt is evaluated with every core; the pause before it is no interval. */
  generationStarted(): void {
    this.lastTokenAt = null;
    this.generating = false;
    this.options.apply(this.options.maxThreads);
  }

  /** A generation ended: an unfinished trial is dropped, and what runs next (a prompt, embeddings) gets every core. */
  generationEnded(): void {
    this.lastTokenAt = null;
    if (this.trial) this.endTrial(false);
    this.generating = false;
    this.options.apply(this.options.maxThreads);
  }

  /** Called when a token was generated. */
  tokenGenerated(): void {
    const at = this.now();
    const previous = this.lastTokenAt;
    this.lastTokenAt = at;
    if (!this.generating) {
      // The first token: the prompt is done, generation runs at the governed count from here.
      this.generating = true;
      this.options.apply(this.threads);
    }
    if (previous === null || this.options.maxThreads <= 1) return;
    const interval = at - previous;
    if (this.trial) {
      this.recordTrial(interval);
      return;
    }
    this.record(this.current, interval);
    const median = this.median(this.current);
    const best = this.best.get(this.current);
    const slowed = median !== undefined && best !== undefined && (this.recent.get(this.current)?.length ?? 0) >= trialTokens && median > best * slowdownFactor;
    if (slowed || at >= this.nextTrialAt) this.startTrial(slowed);
  }

  private record(threads: number, interval: number): void {
    const values = this.recent.get(threads) ?? [];
    values.push(interval);
    if (values.length > windowSize) values.shift();
    this.recent.set(threads, values);
    if (values.length >= trialTokens) {
      const median = this.median(threads)!;
      const best = this.best.get(threads);
      if (best === undefined || median < best) this.best.set(threads, median);
    }
  }

  private median(threads: number): number | undefined {
    const values = this.recent.get(threads);
    if (!values || values.length === 0) return undefined;
    return medianOf(values);
  }

  private startTrial(slowed: boolean): void {
    const fewer = this.current - 1;
    const more = this.current + 1;
    const max = this.options.maxThreads;
    let candidate: number;
    if (slowed) candidate = fewer >= 1 ? fewer : more;
    else if (fewer >= 1 && more <= max) candidate = this.tryFewerNext ? fewer : more;
    else candidate = fewer >= 1 ? fewer : more;
    this.tryFewerNext = !this.tryFewerNext;
    if (candidate < 1 || candidate > max) return;
    this.trial = { threads: candidate, intervals: [], skipped: false };
    this.options.apply(candidate);
  }

  private recordTrial(interval: number): void {
    const trial = this.trial!;
    if (!trial.skipped) {
      trial.skipped = true;
      return;
    }
    trial.intervals.push(interval);
    const currentMedian = this.median(this.current) ?? interval;
    if (interval > currentMedian * abortFactor) {
      this.endTrial(false);
      return;
    }
    // Three tokens no faster than now: this count will not win; stop paying for it.
    if (trial.intervals.length === 3 && medianOf(trial.intervals) >= currentMedian) {
      this.endTrial(false);
      return;
    }
    if (trial.intervals.length < trialTokens) return;
    const trialMedian = medianOf(trial.intervals);
    this.endTrial(trialMedian < currentMedian * switchMargin, trialMedian, currentMedian);
  }

  private endTrial(switchTo: boolean, trialMedian?: number, currentMedian?: number): void {
    const trial = this.trial!;
    this.trial = null;
    if (switchTo) {
      const from = this.current;
      this.current = trial.threads;
      // What the new count did is what it does now; the old count's figures are stale.
      this.recent.set(trial.threads, [...trial.intervals]);
      this.best.set(trial.threads, trialMedian!);
      this.recent.delete(from);
      this.best.delete(from);
      this.trialGapMs = firstTrialAfterMs;
      this.options.log?.(
        `threads ${from} -> ${trial.threads}: ${(1000 / trialMedian!).toFixed(1)} tok/s against ${(1000 / currentMedian!).toFixed(1)} (another process may be using a core)`,
      );
    } else {
      this.trialGapMs = Math.min(longestTrialGapMs, this.trialGapMs * 2);
      // Slower everywhere (a busier machine, a longer context): today's pace is the new normal,
      // so a slowdown alone does not start the next trial.
      const median = this.median(this.current);
      if (median !== undefined) this.best.set(this.current, median);
    }
    // The interval after switching back straddles the switch too.
    this.lastTokenAt = null;
    this.nextTrialAt = this.now() + this.trialGapMs;
    this.options.apply(this.generating ? this.current : this.options.maxThreads);
  }
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
