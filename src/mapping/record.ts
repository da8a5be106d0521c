// A directory entry as the rest of roster sees it: its DN and its text attributes,
// keyed by lower-cased attribute name (LDAP attribute names are case-insensitive).
import { lowestValue, pickValue, type ValuePick } from './pick.js';

export interface DirectoryRecord {
  dn: string;
  /** A Map will do; the search decoder uses something lighter (entryDecoder.ts). */
  attributes: AttributeValues;
}

export interface AttributeValues {
  /** The values of the attribute with this lower-cased name, if the entry has any. */
  get(name: string): readonly string[] | undefined;
}

/**
 * The values of `name` on `record`. Two names are special: `distinguishedName` and `dn` fall back
 * to the entry's DN (OpenLDAP stores no such attribute), and `proxyAddresses` gives only the
 * primary SMTP address (the value written "SMTP:" in capitals), without its prefix.
 */
export function valuesOf(record: DirectoryRecord, name: string): readonly string[] {
  const key = name.toLowerCase();
  const values = record.attributes.get(key);
  if (key === 'proxyaddresses') {
    return (values ?? []).filter((v) => v.startsWith('SMTP:')).map((v) => v.slice('SMTP:'.length));
  }
  if (values !== undefined) return values;
  if (key === 'dn' || key === 'distinguishedname') return [record.dn];
  return [];
}

/**
 * The value taken from `attributes`: that of the first attribute, in the order given, with a
 * non-empty value, trimmed. Of the values of a multi-valued attribute, `pick` says which
 * (pick.ts); by default the one that sorts first (by code unit, after trimming), not the first
 * the server sent: LDAP promises no order for an attribute's values, and both services compare
 * each push with the last, so the same directory must give the same value on every run. One rule
 * for every file roster writes (the iLobby CSV, Officevibe's users.csv and group names).
 */
export function firstValue(record: DirectoryRecord, attributes: readonly string[], pick?: ValuePick): string {
  for (const attribute of attributes) {
    const values = valuesOf(record, attribute);
    // The default goes straight to lowestValue: this runs for every column of every entry.
    const picked = pick === undefined ? lowestValue(values) : pickValue(values, pick, (other) => valuesOf(record, other));
    if (picked !== undefined) return picked;
  }
  return '';
}
