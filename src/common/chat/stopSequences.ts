// Stop sequences matched on the generated text itself. Text that could be the start of a stop
// sequence is held back until the next piece decides, so a stop string never reaches the user,
// whatever tokens it was split across and whether or not it starts with a space (node-llama-cpp
// 3.21.1's own triggers miss those).

export interface StopStep {
  /** Text that is safe to show now. */
  emit: string;
  /** True once a stop sequence appeared: generation should end; nothing after it is shown. */
  stopped: boolean;
}

export class StopSequenceMatcher {
  private readonly stops: string[];
  private held = "";
  private done = false;

  constructor(stops: readonly string[]) {
    this.stops = stops.filter((stop) => stop.length > 0);
  }

  get active(): boolean {
    return this.stops.length > 0;
  }

  get stopped(): boolean {
    return this.done;
  }

  push(text: string): StopStep {
    if (this.done) return { emit: "", stopped: true };
    if (this.stops.length === 0) return { emit: text, stopped: false };
    const buffer = this.held + text;
    let first = -1;
    for (const stop of this.stops) {
      const index = buffer.indexOf(stop);
      if (index >= 0 && (first < 0 || index < first)) first = index;
    }
    if (first >= 0) {
      this.done = true;
      this.held = "";
      return { emit: buffer.slice(0, first), stopped: true };
    }
    const keep = this.longestPrefixSuffix(buffer);
    this.held = buffer.slice(buffer.length - keep);
    return { emit: buffer.slice(0, buffer.length - keep), stopped: false };
  }

  /** At the end of generation: what was held back, since no stop sequence completed. */
  flush(): string {
    const rest = this.done ? "" : this.held;
    this.held = "";
    return rest;
  }

  /** The length of the longest end of `buffer` that begins some stop sequence. */
  private longestPrefixSuffix(buffer: string): number {
    let best = 0;
    for (const stop of this.stops) {
      const max = Math.min(stop.length - 1, buffer.length);
      for (let length = max; length > best; length--) {
        if (buffer.endsWith(stop.slice(0, length))) {
          best = length;
          break;
        }
      }
    }
    return best;
  }
}
