/**
 * Exhaustive enumeration of nondeterministic choices by re-execution: a run asks `choose(n)` for
 * each decision; after the run `advance()` moves to the next unexplored sequence of answers
 * (depth-first, last decision first). A run must be deterministic given its answers.
 */
export class DfsChooser {
  private readonly picks: number[] = [];
  private readonly limits: number[] = [];
  private at = 0;

  readonly choose = (n: number): number => {
    if (n <= 1) return 0;
    if (this.at < this.picks.length) return this.picks[this.at++] ?? 0;
    this.picks.push(0);
    this.limits.push(n);
    this.at++;
    return 0;
  };

  /** The answers of the run just finished. */
  path(): readonly number[] {
    return this.picks.slice(0, this.at);
  }

  /** Next sequence of answers; false when every sequence has been run. */
  advance(): boolean {
    this.picks.length = this.at;
    this.limits.length = this.at;
    this.at = 0;
    while (this.picks.length > 0) {
      const k = this.picks.length - 1;
      const next = (this.picks[k] ?? 0) + 1;
      if (next < (this.limits[k] ?? 0)) {
        this.picks[k] = next;
        return true;
      }
      this.picks.pop();
      this.limits.pop();
    }
    return false;
  }
}
