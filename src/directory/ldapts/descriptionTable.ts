// The attribute descriptions one search meets, by their bytes: each distinct description is named
// once (attributeKeys.ts: the keys its values go under, whether they are binary) and afterwards
// found by comparing bytes, so 100,000 entries make no strings for their attribute names and ask
// no question about them. A server sends the same few descriptions in the same order in every
// entry, so the one met at the same position of the previous entry is compared first. No I/O.
import type { AttributeKeys, AttributeSlot } from '../attributeKeys.js';

/** More distinct descriptions than this in one search are named each time (a misbehaving server). */
const MAX_DESCRIPTIONS = 256;
/** Positions in an entry whose last description is remembered. */
const MAX_POSITIONS = 64;

export class DescriptionTable {
  private readonly descriptions: Buffer[] = [];
  private readonly slots: AttributeSlot[] = [];
  /** Per position in an entry, the index of the description last met there (-1: none yet). */
  private readonly lastAt = new Int16Array(MAX_POSITIONS).fill(-1);
  /** The most attributes an entry of this search brought: what the decoder makes room for. */
  attributesPerEntry = 8;

  constructor(private readonly keys: AttributeKeys) {}

  /** The slot of the description in bytes[start..end), the `position`-th attribute of its entry. */
  find(bytes: Buffer, start: number, end: number, position: number): AttributeSlot {
    const guess = position < MAX_POSITIONS ? this.lastAt[position]! : -1;
    if (guess !== -1 && sameBytes(this.descriptions[guess]!, bytes, start, end)) return this.slots[guess]!;
    for (let i = 0; i < this.descriptions.length; i++) {
      if (i !== guess && sameBytes(this.descriptions[i]!, bytes, start, end)) {
        if (position < MAX_POSITIONS) this.lastAt[position] = i;
        return this.slots[i]!;
      }
    }
    const slot = this.keys.slotFor(bytes.toString('utf8', start, end));
    if (this.descriptions.length < MAX_DESCRIPTIONS) {
      if (position < MAX_POSITIONS) this.lastAt[position] = this.descriptions.length;
      this.descriptions.push(Buffer.from(bytes.subarray(start, end)));
      this.slots.push(slot);
    }
    return slot;
  }
}

function sameBytes(known: Buffer, bytes: Buffer, start: number, end: number): boolean {
  const length = known.length;
  if (end - start !== length) return false;
  for (let i = 0; i < length; i++) if (known[i] !== bytes[start + i]) return false;
  return true;
}
