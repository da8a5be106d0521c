// The starter files `roster init` writes are accepted by roster's parsers and by the JSON Schemas.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/parse.js';
import type { Json } from '../../src/config/reader.js';
import { parseFieldMapping } from '../../src/mapping/fields.js';
import { starterFiles } from '../../src/setup/templates.js';
import { packageRoot } from '../../src/platform/paths.js';
import { validate } from '../harness/jsonSchema.js';

const schema = (name: string) => JSON.parse(readFileSync(join(packageRoot, 'schema', name), 'utf8')) as Record<string, unknown>;

describe('roster init templates', () => {
  for (const kind of ['ad', 'openldap', '389ds'] as const) {
    it(`${kind}: parse without problems and validate against the schemas`, () => {
      const files = starterFiles(kind, { config: 'file:///x/config.schema.json', fields: 'file:///x/fields.schema.json' });
      const config = parseConfig(files.config as Json, '/etc/roster/config.json', '/etc/roster');
      expect(config.fieldsFile).to.equal('/etc/roster/fields.config.json');
      expect(config.ilobby).to.have.length(1);
      expect(parseFieldMapping(files.fields as Json, '/etc/roster/fields.config.json')).to.have.length(8);
      expect(validate(schema('config.schema.json'), files.config)).to.deep.equal([]);
      expect(validate(schema('fields.schema.json'), files.fields)).to.deep.equal([]);
      expect([files.config.$schema, files.fields.$schema]).to.deep.equal(['file:///x/config.schema.json', 'file:///x/fields.schema.json']);
      // Enabled people only, by the rules of the server found: nothing to write by hand.
      expect(config.directory?.accountState).to.equal('auto');
    });
  }

  it('--kerberos: binds with Kerberos, with no bind DN or password; parses and validates', () => {
    const files = starterFiles('ad', { config: 'file:///x/config.schema.json', fields: 'file:///x/fields.schema.json' }, { kerberos: true });
    const config = parseConfig(files.config as Json, '/etc/roster/config.json', '/etc/roster');
    expect(config.directory?.auth).to.equal('kerberos');
    expect(config.directory?.kerberos).to.deep.equal({ mechanism: 'GSS-SPNEGO', spn: undefined, keytabFile: '/etc/roster/roster.keytab' });
    expect(JSON.stringify(files.config.directory)).not.to.match(/bindDn|bindPassword/);
    expect(validate(schema('config.schema.json'), files.config)).to.deep.equal([]);
  });

  it('differs where AD and OpenLDAP differ: filter and attributes', () => {
    const ad = starterFiles('ad', { config: '', fields: '' });
    const ldap = starterFiles('openldap', { config: '', fields: '' });
    expect((ad.config.directory as { filter: string }).filter).to.match(/objectCategory=person/);
    expect((ldap.config.directory as { filter: string }).filter).to.equal('(objectClass=inetOrgPerson)');
    expect([ad.fields.DIVISION, ad.fields.SITE, ldap.fields.DIVISION, ldap.fields.SITE]).to.deep.equal(['department', 'physicalDeliveryOfficeName', 'ou', 'l']);
  });

  it('389ds: inetOrgPerson people, and comments on the ACI, the limits and the CA that 389-ds needs', () => {
    const ds = starterFiles('389ds', { config: '', fields: '' });
    const directory = ds.config.directory as { filter: string; $comment: string[] };
    expect(directory.filter).to.equal('(objectClass=inetOrgPerson)');
    const comment = directory.$comment.join('\n');
    for (const word of ['nsAccountLock', 'nsPagedSizeLimit', 'ca.crt', 'cn=sysaccounts']) expect(comment).to.include(word);
  });

  it('writes a sites placeholder, saying where the portal lists its sites', () => {
    const { config } = starterFiles('ad', { config: '', fields: '' });
    const ilobby = config.ilobby as { sites: string[]; $comment: string[] };
    expect(ilobby.sites).to.deep.equal(['Replace with the site names of your iLobby portal']);
    expect(ilobby.$comment.join(' ')).to.match(/sites: the portal's site names, exactly as the iLobby portal lists its sites \(Settings, Sites\)/);
  });
});
