// A directory entry as the rest of roster sees it: its DN and its text attributes,
// keyed by lower-cased attribute name (LDAP attribute names are case-insensitive).

export interface DirectoryRecord {
  dn: string;
  attributes: ReadonlyMap<string, readonly string[]>;
}

/** The values of `name` on `record`; `distinguishedName` and `dn` fall back to the entry's DN. */
export function valuesOf(record: DirectoryRecord, name: string): readonly string[] {
  const key = name.toLowerCase();
  const values = record.attributes.get(key);
  if (values !== undefined) return values;
  if (key === 'dn' || key === 'distinguishedname') return [record.dn];
  return [];
}
