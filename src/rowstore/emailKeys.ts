// Every stored row's EMAIL, as UTF-8 bytes side by side in one buffer, numbered in the order they
// came. Written as rows arrive (while the server works on the next page), so that sorting at the
// end starts at once, on bytes already in place. Pure.
import type { ByteKeys } from './byteOrder.js';
import { doubled } from './growable.js';

export class EmailKeys {
  private bytes = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private starts: Uint32Array = new Uint32Array(1024);
  private lengths: Uint32Array = new Uint32Array(1024);
  private count = 0;

  /** Adds an email; returns its number. */
  add(email: string): number {
    const most = email.length * 3;
    if (this.used + most > this.bytes.length) {
      const larger = Buffer.allocUnsafe(Math.max(this.used + most, this.bytes.length * 2));
      this.bytes.copy(larger, 0, 0, this.used);
      this.bytes = larger;
    }
    if (this.count === this.starts.length) {
      this.starts = doubled(this.starts);
      this.lengths = doubled(this.lengths);
    }
    const length = this.bytes.write(email, this.used, 'utf8');
    this.starts[this.count] = this.used;
    this.lengths[this.count] = length;
    this.used += length;
    return this.count++;
  }

  email(number: number): string {
    const start = this.starts[number]!;
    return this.bytes.toString('utf8', start, start + this.lengths[number]!);
  }

  /** Compares email `a` here with email `b` of `other`, byte by byte (the order sortByBytes gives). */
  compare(a: number, other: EmailKeys, b: number): number {
    // Plain locals: this runs for every step of a merge, often before V8 has optimised it.
    const bytesA = this.bytes;
    const bytesB = other.bytes;
    const startA = this.starts[a]!;
    const startB = other.starts[b]!;
    const shorter = Math.min(this.lengths[a]!, other.lengths[b]!);
    for (let i = 0; i < shorter; i++) {
      const difference = bytesA[startA + i]! - bytesB[startB + i]!;
      if (difference !== 0) return difference;
    }
    return this.lengths[a]! - other.lengths[b]!;
  }

  /** The emails with these numbers, as keys for sortByBytes (no bytes are copied). */
  keys(numbers: Uint32Array): ByteKeys {
    const starts = new Uint32Array(numbers.length);
    const lengths = new Uint32Array(numbers.length);
    for (let i = 0; i < numbers.length; i++) {
      starts[i] = this.starts[numbers[i]!]!;
      lengths[i] = this.lengths[numbers[i]!]!;
    }
    return { bytes: this.bytes, starts, lengths };
  }
}
