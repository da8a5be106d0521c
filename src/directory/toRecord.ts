// One search result entry as the rest of roster sees it (mapping/record.ts), made straight from
// ldapts's parsed message: entry.toObject() would build a throwaway object per entry first.
import type { SearchEntry } from 'ldapts';
import type { DirectoryRecord } from '../mapping/record.js';
import { binaryAsText, isBinaryAttribute, isUndecodable } from './binary.js';

/** Text values only: binary values become their standard text form (GUID, SID) or are left out. */
export function toRecord(entry: SearchEntry): DirectoryRecord {
  const attributes = new Map<string, string[]>();
  for (const attribute of entry.attributes) {
    const key = attribute.type.toLowerCase();
    const values: string[] = [];
    // ldapts keeps a value it could not decode as UTF-8 as a Buffer.
    if (isBinaryAttribute(key) || attribute.values.some((value) => typeof value !== 'string')) {
      for (const bytes of attribute.parsedBuffers) {
        const text = binaryAsText(key, bytes);
        if (text !== undefined) values.push(text);
      }
    } else {
      for (const value of attribute.values as string[]) if (!isUndecodable(value)) values.push(value);
    }
    if (values.length > 0) attributes.set(key, values);
  }
  return { dn: entry.name, attributes };
}
