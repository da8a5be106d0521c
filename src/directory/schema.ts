// The attribute names a directory's schema defines, for checking fields.config.json against them.
// Active Directory: the lDAPDisplayName of every attributeSchema object in the schema naming
// context (the rootDSE's schemaNamingContext). Other LDAP servers: the NAMEs in the attributeTypes
// of the subschema entry (the rootDSE's subschemaSubentry, RFC 4512).
import { namesInAttributeType } from '../mapping/attributeNames.js';
import type { DirectoryConnection } from './connect.js';
import { pagedSearch } from './ldapts/pagedSearch.js';

export interface DirectorySchema {
  /** Where the names were read: the schema naming context or the subschema entry. */
  source: string;
  names: string[];
}

const PAGE_SIZE = 500;
const TIME_LIMIT_SECONDS = 60;

export async function readSchemaNames(connection: DirectoryConnection): Promise<DirectorySchema> {
  const { searchEntries } = await connection.client.search('', {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['schemaNamingContext', 'subschemaSubentry'],
  });
  const root = searchEntries[0];
  const first = (name: string) => {
    const value = root?.[name];
    const text = Array.isArray(value) ? value[0] : value;
    return typeof text === 'string' && text !== '' ? text : undefined;
  };
  const namingContext = first('schemaNamingContext');
  if (namingContext !== undefined) return { source: namingContext, names: await adSchemaNames(connection, namingContext) };
  const subschema = first('subschemaSubentry');
  if (subschema === undefined) throw new Error('the rootDSE names neither a schemaNamingContext nor a subschemaSubentry');
  const { searchEntries: entries } = await connection.client.search(subschema, { scope: 'base', filter: '(objectClass=*)', attributes: ['attributeTypes'] });
  const types = entries[0]?.attributeTypes;
  const definitions = (Array.isArray(types) ? types : types === undefined ? [] : [types]).map(String);
  if (definitions.length === 0) throw new Error(`${subschema} lists no attributeTypes`);
  return { source: subschema, names: definitions.flatMap(namesInAttributeType) };
}

async function adSchemaNames(connection: DirectoryConnection, namingContext: string): Promise<string[]> {
  const names: string[] = [];
  const search = {
    base: namingContext,
    filter: '(objectClass=attributeSchema)',
    attributes: ['lDAPDisplayName'],
    pageSize: PAGE_SIZE,
    timeLimitSeconds: TIME_LIMIT_SECONDS,
  };
  const pages = pagedSearch(connection.client, search, connection.lost, (record) => {
    names.push(...(record.attributes.get('ldapdisplayname') ?? []));
  });
  for await (const _ of pages); // every page's names went to the callback
  if (names.length === 0) throw new Error(`${namingContext} holds no attributeSchema objects this account may read`);
  return names;
}
