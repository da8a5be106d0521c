// Sorting byte strings (UTF-8 emails) without making a JavaScript string of each: a most-
// significant-first radix sort, four bytes at a time. Each step packs a key's next four bytes and
// its index into one 64-bit number and lets the engine's own typed-array sort (native code, fast
// from the first call) order them; keys that tie go on to the next four bytes. "person.000123@"
// takes four steps, and groups that a step leaves small are finished by insertion sort. Pure.

/** Groups this small are finished by insertion sort. */
const SMALL = 16;

export interface ByteKeys {
  bytes: Uint8Array;
  /** Where key i starts in `bytes`, and how many bytes it has. */
  starts: Uint32Array;
  lengths: Uint32Array;
}

/**
 * The positions 0..n-1 of the keys, ordered by their bytes (a key that is a prefix of another
 * comes first). For UTF-8 text this is Unicode code point order.
 */
export function sortByBytes(keys: ByteKeys): Uint32Array {
  const count = keys.starts.length;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // One 64-bit number per key: the low half its position, the high half four of its bytes.
  const packed = new BigUint64Array(count);
  const halves = new Uint32Array(packed.buffer);
  // Each step is its own small function: the engine compiles a function that is called often
  // sooner and more reliably than the loops of one long function (at 10,000 keys this all runs
  // once, mostly before it is compiled).
  const groups: number[] = [0, count, 0]; // from, to, depth (in words of four bytes)
  while (groups.length > 0) {
    const depth = groups.pop()!;
    const to = groups.pop()!;
    const from = groups.pop()!;
    if (to - from <= SMALL) {
      insertionSort(keys, order, from, to, depth * 4);
      continue;
    }
    const shortest = orderByWord(keys, order, packed, halves, from, to, depth * 4);
    queueTies(keys, order, halves, groups, from, to, depth, shortest);
  }
  return order;
}

/**
 * Orders order[from..to) by bytes skip..skip+3 of each key (big-endian, zeros past the end),
 * leaving each key's position and word in `halves`; returns the shortest key's length.
 */
function orderByWord(
  { bytes, starts, lengths }: ByteKeys,
  order: Uint32Array,
  packed: BigUint64Array,
  halves: Uint32Array,
  from: number,
  to: number,
  skip: number,
): number {
  let ordered = true;
  let previous = 0;
  let shortest = Infinity;
  for (let i = from; i < to; i++) {
    const key = order[i]!;
    const at = starts[key]! + skip;
    const left = lengths[key]! - skip;
    if (lengths[key]! < shortest) shortest = lengths[key]!;
    const word =
      left >= 4
        ? ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
        : ((left > 0 ? bytes[at]! << 24 : 0) | (left > 1 ? bytes[at + 1]! << 16 : 0) | (left > 2 ? bytes[at + 2]! << 8 : 0)) >>> 0;
    if (word < previous) ordered = false;
    previous = word;
    halves[2 * i] = key;
    halves[2 * i + 1] = word;
  }
  // Keys often come in order already (or agree on these bytes): then there is nothing to sort.
  if (!ordered) {
    packed.subarray(from, to).sort();
    for (let i = from; i < to; i++) order[i] = halves[2 * i]!;
  }
  return shortest;
}

/**
 * For each run of keys with the same four bytes: those that end within them go first (shortest
 * first); the rest are queued to be sorted on the next four bytes. `shortest`: when no key of the
 * group ends within these bytes, there is nothing to move.
 */
function queueTies(keys: ByteKeys, order: Uint32Array, halves: Uint32Array, groups: number[], from: number, to: number, depth: number, shortest: number): void {
  const covered = depth * 4 + 4;
  for (let start = from; start < to;) {
    const word = halves[2 * start + 1];
    let end = start + 1;
    while (end < to && halves[2 * end + 1] === word) end++;
    if (end - start > 1) {
      const going = shortest > covered ? start : settleEnded(keys, order, start, end, covered);
      if (end - going > 1) groups.push(going, end, depth + 1);
    }
    start = end;
  }
}

/**
 * Within order[from..to) (keys equal up to byte `covered`), moves the keys no longer than
 * `covered` to the front, shortest first, and returns where the longer ones begin.
 */
function settleEnded({ lengths }: ByteKeys, order: Uint32Array, from: number, to: number, covered: number): number {
  let going = from;
  for (let i = from; i < to; i++) {
    const key = order[i]!;
    if (lengths[key]! > covered) continue;
    // Insert `key` among the ended ones at the front, by length.
    let j = i;
    while (j > going) {
      order[j] = order[j - 1]!;
      j--;
    }
    while (j > from && lengths[order[j - 1]!]! > lengths[key]!) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = key;
    going++;
  }
  return going;
}

function insertionSort(keys: ByteKeys, order: Uint32Array, from: number, to: number, covered: number): void {
  for (let i = from + 1; i < to; i++) {
    const key = order[i]!;
    let j = i;
    while (j > from && compareFrom(keys, order[j - 1]!, key, covered) > 0) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = key;
  }
}

/** Compares two keys byte by byte from byte `from` on. */
function compareFrom({ bytes, starts, lengths }: ByteKeys, a: number, b: number, from: number): number {
  const [startA, startB, lengthA, lengthB] = [starts[a]!, starts[b]!, lengths[a]!, lengths[b]!];
  for (let i = from; i < lengthA && i < lengthB; i++) {
    const difference = bytes[startA + i]! - bytes[startB + i]!;
    if (difference !== 0) return difference;
  }
  return lengthA - lengthB;
}
