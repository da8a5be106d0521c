// Row numbers put in EMAIL order while the rows arrive. A directory server takes far longer to
// send a page than roster takes to map it (Samba AD: ~110 ms against ~10 ms per 1,000 entries),
// so sorting everything after the last page is time a run spends with the server idle. Here
// every RUN_ROWS rows are sorted as they come (sortByBytes, byteOrder.ts) and runs of equal size
// are merged, as in a binary counter: each row is merged about log2(rows / RUN_ROWS) times, and
// what is left at the end is the last run and a few merges (~2 ms at 10,000 rows instead of
// ~12 ms to sort them all then). Pure.
import type { RowStore } from './rowStore.js';

const RUN_ROWS = 1024;

export class SortedRuns {
  /** Sorted runs, larger first: a run is never smaller than the one after it. */
  private readonly runs: Uint32Array[] = [];
  /** The rows not yet in a run. */
  private readonly arriving = new Uint32Array(RUN_ROWS);
  private arrived = 0;

  constructor(private readonly store: RowStore) {}

  add(number: number): void {
    this.arriving[this.arrived++] = number;
    if (this.arrived === RUN_ROWS) this.sortArrived();
  }

  /** Every row added, in EMAIL order, without those `keep` says no to. */
  finish(keep?: (number: number) => boolean): Uint32Array {
    this.sortArrived();
    let all = this.runs.pop() ?? new Uint32Array(0);
    while (this.runs.length > 0) all = this.merge(this.runs.pop()!, all);
    return keep === undefined ? all : all.filter(keep);
  }

  private sortArrived(): void {
    if (this.arrived === 0) return;
    this.runs.push(this.store.sortByEmail(this.arriving.subarray(0, this.arrived)));
    this.arrived = 0;
    for (let last = this.runs.length - 1; last > 0 && this.runs[last - 1]!.length <= this.runs[last]!.length; last--) {
      const later = this.runs.pop()!;
      this.runs[last - 1] = this.merge(this.runs[last - 1]!, later);
    }
  }

  /**
   * One sorted list of two; of two equal emails (a row and the duplicate that replaced it), `a`'s
   * first. One loop, the end of either list included: V8 optimises this loop while it runs, and
   * separate loops for the rest of a list, never run by then, would throw that code away again.
   */
  private merge(a: Uint32Array, b: Uint32Array): Uint32Array {
    const merged = new Uint32Array(a.length + b.length);
    let i = 0;
    let j = 0;
    for (let k = 0; k < merged.length; k++) {
      const fromA = j === b.length || (i < a.length && this.store.compareOwnEmails(a[i]!, b[j]!) <= 0);
      merged[k] = fromA ? a[i++]! : b[j++]!;
    }
    return merged;
  }
}
