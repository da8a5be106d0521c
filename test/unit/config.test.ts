import { expect } from 'chai';
import { parseConfig, urlProblem } from '../../src/config/parse.js';
import { DEFAULT_AD_FILTER } from '../../src/config/types.js';
import { ConfigError } from '../../src/platform/errors.js';

const minimal = {
  directory: {
    url: 'ldaps://dc1.corp.example.com',
    bindDn: 'svc-roster@corp.example.com',
    bindPasswordEnv: 'ROSTER_BIND_PASSWORD',
    searchBases: ['OU=Staff,DC=corp,DC=example,DC=com'],
  },
};

function problemsOf(json: unknown): string[] {
  try {
    parseConfig(json as never, '/etc/roster/config.json', '/etc/roster');
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).exitCode).to.equal(2);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config.json parsing', () => {
  it('applies the documented defaults and resolves paths against the config folder', () => {
    const config = parseConfig({ ...minimal, directory: { ...minimal.directory, caFile: 'ca.pem' } }, '/etc/roster/config.json', '/etc/roster');
    expect(config.directory?.urls).to.deep.equal(['ldaps://dc1.corp.example.com']);
    expect(config.directory?.filter).to.equal(DEFAULT_AD_FILTER);
    expect(config.directory?.pageSize).to.equal(1000);
    expect(config.directory?.timeoutSeconds).to.equal(120);
    expect(config.directory?.caFile).to.equal('/etc/roster/ca.pem');
    expect(config.directory?.bindPassword).to.deep.equal({ kind: 'env', name: 'ROSTER_BIND_PASSWORD', configKey: 'directory.bindPasswordEnv' });
    expect(config.csv).to.deep.equal({ path: '/etc/roster/adextract.csv', bom: false });
    expect(config.safety).to.deep.equal({ minRows: 1, maxDisableCount: 500, maxDisablePercent: 10, maxChangePercent: 25 });
    expect(config.stateDir).to.equal('/etc/roster/state');
    expect(config.fieldsFile).to.equal(undefined);
    expect(config.ilobby).to.deep.equal([]);
  });

  it("accepts PRODUCT.md's example config as it is", () => {
    const config = parseConfig(
      {
        directory: {
          ...minimal.directory,
          startTls: false,
          caFile: 'corp-root-ca.pem',
          auth: 'simple',
          kerberos: { mechanism: 'GSS-SPNEGO', spn: 'ldap/dc1.corp.example.com', keytabFile: null },
          filter: DEFAULT_AD_FILTER,
          memberOf: ['CN=Visitor Hosts,OU=Groups,DC=corp,DC=example,DC=com'],
          pageSize: 1000,
          timeoutSeconds: 120,
        },
        fields: 'fields.config.json',
        csv: { path: 'adextract.csv', bom: false },
        ilobby: {
          tokenUrl: 'https://partnerapi.goilobby.com/auth/connect/token',
          uploadUrl: 'https://partnerapi.goilobby.com/addressbook/uploadcsv',
          clientId: 'abc',
          clientSecretEnv: 'ROSTER_CLIENT_SECRET',
          caFile: null,
        },
        safety: { minRows: 1, maxDisableCount: 500, maxDisablePercent: 10, maxChangePercent: 25 },
        stateDir: 'state',
      },
      '/etc/roster/config.json',
      '/etc/roster',
    );
    expect(config.fieldsFile).to.equal('/etc/roster/fields.config.json');
    expect(config.ilobby).to.have.length(1);
    expect(config.ilobby[0]?.name).to.equal('ilobby');
    expect(config.ilobby[0]?.caFile).to.equal(undefined);
    expect(config.directory?.memberOf).to.have.length(1);
    expect(config.directory?.auth).to.equal('simple');
    expect(config.directory?.kerberos).to.equal(undefined);
  });

  it('names every unknown key with its full path', () => {
    const problems = problemsOf({ ...minimal, directory: { ...minimal.directory, pagesize: 10 }, csv: { bom: true, delimiter: ';' }, extra: 1 });
    expect(problems).to.include('directory.pagesize: unknown key (check its spelling and case)');
    expect(problems).to.include('csv.delimiter: unknown key (check its spelling and case)');
    expect(problems).to.include('extra: unknown key (check its spelling and case)');
  });

  it('rejects wrong types naming the key', () => {
    const problems = problemsOf({ ...minimal, directory: { ...minimal.directory, pageSize: '1000', startTls: 'yes', searchBases: ['OU=A', 7] } });
    expect(problems.some((p) => p.startsWith('directory.pageSize: must be a whole number'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('directory.startTls: must be true or false'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('directory.searchBases[1]: must be a non-empty string'))).to.equal(true);
  });

  it("refuses a page size above AD's MaxPageSize of 1000", () => {
    expect(problemsOf({ ...minimal, directory: { ...minimal.directory, pageSize: 5000 } })[0]).to.match(
      /^directory\.pageSize: must be a whole number from 1 to 1000/,
    );
  });

  it('never takes a secret from the config text', () => {
    const problems = problemsOf({ ...minimal, directory: { ...minimal.directory, bindPasswordEnv: undefined, bindPassword: 'hunter2' } });
    expect(problems.join('\n')).to.match(/directory\.bindPassword: secrets are never read from config\.json/);
    expect(problems.join('\n')).not.to.include('hunter2');
  });

  it('reads a secret file path relative to the config folder', () => {
    const { bindPasswordEnv: _unused, ...rest } = minimal.directory;
    const config = parseConfig({ directory: { ...rest, bindPasswordFile: 'secrets/bind.txt' } }, '/etc/roster/config.json', '/etc/roster');
    expect(config.directory?.bindPassword).to.deep.equal({ kind: 'file', path: '/etc/roster/secrets/bind.txt', configKey: 'directory.bindPasswordFile' });
  });

  it('requires the directory URL and search bases', () => {
    const problems = problemsOf({ directory: { bindDn: 'x', bindPasswordEnv: 'Y' } });
    expect(problems).to.include('directory.url: is required (e.g. "ldaps://dc1.corp.example.com")');
    expect(problemsOf({ ...minimal, directory: { ...minimal.directory, url: null } })).to.deep.equal([
      'directory.url: is required (e.g. "ldaps://dc1.corp.example.com")',
    ]);
    expect(problems).to.include('directory.searchBases: is required: the OUs to read people from');
  });

  it('accepts a list of domain controllers', () => {
    const config = parseConfig({ ...minimal, directory: { ...minimal.directory, url: ['ldaps://dc1.corp', 'ldaps://dc2.corp'] } }, '/c.json', '/');
    expect(config.directory?.urls).to.deep.equal(['ldaps://dc1.corp', 'ldaps://dc2.corp']);
  });
});

describe('directory.auth: kerberos', () => {
  const kerberos = (directory: Record<string, unknown>) => ({
    directory: { url: 'ldaps://dc1.corp.example.com', searchBases: ['OU=Staff,DC=corp,DC=example,DC=com'], auth: 'kerberos', ...directory },
  });

  it('needs no bind DN and no password; GSS-SPNEGO by default, the SPN from each URL, the keytab path resolved', () => {
    const config = parseConfig(kerberos({}), '/etc/roster/config.json', '/etc/roster');
    expect(config.directory?.auth).to.equal('kerberos');
    expect(config.directory?.kerberos).to.deep.equal({ mechanism: 'GSS-SPNEGO', spn: undefined, keytabFile: undefined });
    expect(config.directory?.bindDn).to.equal(undefined);
    const set = parseConfig(
      kerberos({ kerberos: { mechanism: 'GSSAPI', spn: 'ldap/dc1.corp.example.com', keytabFile: 'roster.keytab' } }),
      '/etc/roster/config.json',
      '/etc/roster',
    );
    expect(set.directory?.kerberos).to.deep.equal({ mechanism: 'GSSAPI', spn: 'ldap/dc1.corp.example.com', keytabFile: '/etc/roster/roster.keytab' });
  });

  it('refuses a bind DN or password beside it, naming each key', () => {
    expect(problemsOf(kerberos({ bindDn: 'svc@corp', bindPasswordEnv: 'X' }))).to.deep.equal([
      'directory.bindDn: is not used with "auth": "kerberos" (the process\'s own Kerberos identity binds): remove it',
      'directory.bindPasswordEnv: is not used with "auth": "kerberos" (the process\'s own Kerberos identity binds): remove it',
    ]);
  });

  it('refuses plain ldap:// (even on loopback or with allowInsecure), accepts StartTLS', () => {
    expect(problemsOf(kerberos({ url: ['ldaps://dc1.corp', 'ldap://127.0.0.1:389'] }))).to.deep.equal([
      'directory.url[1]: "ldap://127.0.0.1:389": a Kerberos bind goes over TLS only: use ldaps://, or set "startTls": true',
    ]);
    expect(problemsOf(kerberos({ url: 'ldap://dc1.corp', allowInsecure: true }))).to.have.length(1);
    expect(problemsOf(kerberos({ url: 'ldap://dc1.corp' }))).to.deep.equal([
      'directory.url: "ldap://dc1.corp": a Kerberos bind goes over TLS only: use ldaps://, or set "startTls": true',
    ]);
    expect(parseConfig(kerberos({ url: 'ldap://dc1.corp', startTls: true }), '/c.json', '/').directory?.auth).to.equal('kerberos');
  });

  it('names a wrong auth, mechanism, SPN or unknown Kerberos key', () => {
    expect(problemsOf(kerberos({ auth: 'ntlm' }))).to.deep.equal([
      'directory.auth: must be "simple" (bindDn and a password) or "kerberos" (the process\'s own identity), found "ntlm"',
    ]);
    expect(problemsOf(kerberos({ kerberos: { mechanism: 'NTLM', spn: 'dc1.corp.example.com', keytab: 'x' } }))).to.deep.equal([
      'directory.kerberos.mechanism: must be "GSS-SPNEGO" or "GSSAPI", found "NTLM"',
      'directory.kerberos.spn: "dc1.corp.example.com" is not a service principal name: write it as ldap/<the DC\'s DNS name>, e.g. "ldap/dc1.corp.example.com"',
      'directory.kerberos.keytab: unknown key (check its spelling and case)',
    ]);
  });
});

describe('directory URL rules', () => {
  it('accepts ldaps:// and ldap:// with StartTLS', () => {
    expect(urlProblem('ldaps://dc1.corp.example.com', false, false)).to.equal(undefined);
    expect(urlProblem('ldap://dc1.corp.example.com', true, false)).to.equal(undefined);
  });
  it('allows plain ldap:// only on loopback or with allowInsecure', () => {
    expect(urlProblem('ldap://dc1.corp.example.com', false, false)).to.match(/unencrypted/);
    expect(urlProblem('ldap://127.0.0.1:389', false, false)).to.equal(undefined);
    expect(urlProblem('ldap://localhost', false, false)).to.equal(undefined);
    expect(urlProblem('ldap://dc1.corp.example.com', false, true)).to.equal(undefined);
  });
  it('rejects other schemes and StartTLS on ldaps', () => {
    expect(urlProblem('https://dc1', false, false)).to.match(/must start with ldaps:\/\/ or ldap:\/\//);
    expect(urlProblem('dc1.corp', false, false)).to.match(/is not a URL/);
    expect(urlProblem('ldaps://dc1', true, false)).to.match(/already encrypted/);
  });
});
