// Ranged retrieval, the Active Directory convention for reading large groups. Pure.
// AD returns at most MaxValRange (1,500 by default) values of a multi-valued
// attribute per request. Over that, asking for `member` gets `member;range=0-1499` and the rest has
// to be asked for as `member;range=1500-*`, and so on, until a range ends in `*`.

export interface ValueRange {
  attribute: string;
  start: number;
  /** The last index returned, or '*' when these are the last values. */
  end: number | '*';
}

/** `member;range=0-1499` → { attribute: 'member', start: 0, end: 1499 }; undefined for a name without a range. */
export function parseRangedAttribute(name: string): ValueRange | undefined {
  const match = /^([^;]+);range=(\d+)-(\d+|\*)$/i.exec(name.trim());
  if (match === null) return undefined;
  return { attribute: match[1]!, start: Number(match[2]), end: match[3] === '*' ? '*' : Number(match[3]) };
}

/** The attribute to ask for next: `member;range=1500-2999`. */
export function rangeRequest(attribute: string, start: number, size: number): string {
  return `${attribute};range=${start}-${start + size - 1}`;
}
