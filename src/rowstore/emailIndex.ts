// Which row holds which email, for dropping duplicates. A Map keyed by the email strings would
// keep 100,000 small strings alive on V8's heap, and V8 answers that by doubling its young
// generation (+16 MB of RSS); this table keeps only numbers, in two typed arrays outside the heap.
// Pure.

/** 32-bit FNV-1a over the UTF-16 code units. */
export function hashOf(email: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < email.length; i++) hash = Math.imul(hash ^ email.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * An open-addressing hash table from email to row number (in a RowStore). The emails themselves
 * stay in the store: `emailOf` reads one back, and is called only when two 32-bit hashes agree.
 */
export class EmailIndex {
  /** row number + 1 per slot; 0 is an empty slot. */
  private slots = new Uint32Array(1024);
  private hashes = new Uint32Array(1024);
  private count = 0;

  constructor(private readonly emailOf: (row: number) => string) {}

  get size(): number {
    return this.count;
  }

  get(email: string): number | undefined {
    const slot = this.find(email, hashOf(email));
    return this.slots[slot] === 0 ? undefined : this.slots[slot]! - 1;
  }

  /** Adds the email, or points it at another row if it is already here. */
  set(email: string, row: number): void {
    const hash = hashOf(email);
    const slot = this.find(email, hash);
    if (this.slots[slot] === 0) {
      this.count += 1;
      this.hashes[slot] = hash;
    }
    this.slots[slot] = row + 1;
    // At most half full, so a lookup of a missing email meets an empty slot after a probe or two.
    if (this.count * 2 > this.slots.length) this.grow();
  }

  /** The slot holding `email`, or the empty slot where it would go. */
  private find(email: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry === 0 || (this.hashes[slot] === hash && this.emailOf(entry - 1) === email)) return slot;
    }
  }

  private grow(): void {
    const [slots, hashes] = [this.slots, this.hashes];
    this.slots = new Uint32Array(slots.length * 2);
    this.hashes = new Uint32Array(slots.length * 2);
    const mask = this.slots.length - 1;
    for (let old = 0; old < slots.length; old++) {
      if (slots[old] === 0) continue;
      let slot = hashes[old]! & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = slots[old]!;
      this.hashes[slot] = hashes[old]!;
    }
  }
}
