// One search result entry as the rest of roster sees it (mapping/record.ts), made straight from
// ldapts's parsed message: entry.toObject() would build a throwaway object per entry first.
import type { SearchEntry } from 'ldapts';
import type { DirectoryRecord } from '../mapping/record.js';
import { OWN_NAMES, type AttributeKeys } from './attributeKeys.js';
import { binaryAsText, isUndecodable } from './binary.js';

/**
 * Text values only: binary values become their standard text form (GUID, SID) or are left out.
 * `names` says under which keys values are kept (attributeKeys.ts), as for decoded entries.
 */
export function toRecord(entry: SearchEntry, names: AttributeKeys = OWN_NAMES): DirectoryRecord {
  const attributes = new Map<string, string[]>();
  for (const attribute of entry.attributes) {
    const slot = names.slotFor(attribute.type);
    const values: string[] = [];
    // ldapts keeps a value it could not decode as UTF-8 as a Buffer.
    if (slot.binary || attribute.values.some((value) => typeof value !== 'string')) {
      for (const bytes of attribute.parsedBuffers) {
        const text = binaryAsText(slot.binaryName, bytes);
        if (text !== undefined) values.push(text);
      }
    } else {
      for (const value of attribute.values as string[]) if (!isUndecodable(value)) values.push(value);
    }
    if (values.length > 0) for (const key of slot.keys) if (!attributes.has(key)) attributes.set(key, values);
  }
  return { dn: entry.name, attributes };
}
