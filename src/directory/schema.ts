// The attribute types a directory's schema defines, so that any name or OID of a type finds it.
// Active Directory: the attributeSchema objects of the schema naming context (lDAPDisplayName
// and attributeID). Other LDAP servers: the attributeTypes of the subschema entry (RFC 4512),
// with every NAME and the OID. Both places come from the root DSE read at connection.
import { AttributeTypes, baseName, parseAttributeType, type AttributeType } from '../mapping/attributeNames.js';
import type { DirectoryConnection } from './connect.js';
import { escapeFilterValue } from './filter.js';
import { pagedSearch } from './ldapts/pagedSearch.js';
import { unlessLost } from './socketWatch.js';

export interface DirectorySchema {
  /** Where the types were read: the schema naming context or the subschema entry. */
  source: string;
  types: AttributeTypes;
  /** False when only some names were looked up (Active Directory, at run time). */
  complete: boolean;
}

const PAGE_SIZE = 500;
const TIME_LIMIT_SECONDS = 60;
const OID = /^[0-9]+(\.[0-9]+)+$/;

/**
 * The schema's attribute types. On Active Directory, `only` limits the read to the types those
 * names or OIDs stand for: one small search instead of ~1,500 attributeSchema objects at every run.
 */
export async function readSchema(connection: DirectoryConnection, only?: readonly string[]): Promise<DirectorySchema> {
  const { schemaNamingContext, subschemaSubentry } = connection.server;
  if (schemaNamingContext !== undefined) {
    // objectClass is in every schema: finding nothing at all means the account may not read it.
    const wanted = only === undefined ? undefined : [...new Set(['objectclass', ...only.map(baseName)])];
    const types = await adAttributeTypes(connection, schemaNamingContext, wanted);
    return { source: schemaNamingContext, types: new AttributeTypes(types), complete: wanted === undefined };
  }
  if (subschemaSubentry === undefined) throw new Error('the root DSE names neither a schemaNamingContext nor a subschemaSubentry');
  const { searchEntries } = await unlessLost(
    connection.client.search(subschemaSubentry, { scope: 'base', filter: '(objectClass=*)', attributes: ['attributeTypes'] }),
    connection.lost,
  );
  const entry = searchEntries[0];
  const key = entry === undefined ? undefined : Object.keys(entry).find((name) => name.toLowerCase() === 'attributetypes');
  const values = entry === undefined || key === undefined ? [] : entry[key];
  const definitions = (Array.isArray(values) ? values : [values]).map(String);
  if (definitions.length === 0) throw new Error(`${subschemaSubentry} lists no attributeTypes this account may read`);
  return { source: subschemaSubentry, types: new AttributeTypes(definitions.map(parseAttributeType)), complete: true };
}

async function adAttributeTypes(connection: DirectoryConnection, namingContext: string, wanted: string[] | undefined): Promise<AttributeType[]> {
  const types: AttributeType[] = [];
  const lookups = wanted?.map((name) => (OID.test(name) ? `(attributeID=${name})` : `(lDAPDisplayName=${escapeFilterValue(name)})`));
  const search = {
    base: namingContext,
    filter: lookups === undefined ? '(objectClass=attributeSchema)' : `(&(objectClass=attributeSchema)(|${lookups.join('')}))`,
    attributes: ['lDAPDisplayName', 'attributeID'],
    pageSize: PAGE_SIZE,
    timeLimitSeconds: TIME_LIMIT_SECONDS,
  };
  const pages = pagedSearch(connection.client, search, connection.lost, (record) => {
    const names = record.attributes.get('ldapdisplayname') ?? [];
    if (names.length > 0) types.push({ oid: record.attributes.get('attributeid')?.[0], names });
  });
  for await (const _ of pages); // every page's types went to the callback
  if (types.length === 0) throw new Error(`${namingContext} holds no attributeSchema objects this account may read`);
  return types;
}
