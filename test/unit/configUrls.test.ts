// Every service URL and proxy variable is checked when the config loads (exit 2, naming the
// setting), not first when a real sync uses it.
import { expect } from 'chai';
import { parseConfig } from '../../src/config/parse.js';
import { httpsUrlProblem, proxyEnvironmentProblems, proxyUrlProblem, withoutCredentials } from '../../src/config/urls.js';
import { ConfigError } from '../../src/platform/errors.js';

describe('service URLs checked when the config loads', () => {
  const example = 'https://partnerapi.goilobby.com/addressbook/uploadcsv';
  it('accepts https:// URLs with a host', () => {
    expect(httpsUrlProblem('https://partnerapi.goilobby.com/addressbook/uploadcsv', example)).to.equal(undefined);
    expect(httpsUrlProblem('https://127.0.0.1:8443/auth?tenant=1', example)).to.equal(undefined);
  });
  it('refuses another scheme, no URL at all, credentials in the URL and a fragment', () => {
    expect(httpsUrlProblem('http://partnerapi.goilobby.com/addressbook/uploadcsv', example)).to.match(/must start with https:\/\//);
    expect(httpsUrlProblem('partnerapi.goilobby.com/addressbook/uploadcsv', example)).to.match(/is not a URL \(expected e\.g\. "https:/);
    expect(httpsUrlProblem('https://', example)).to.match(/is not a URL/);
    const withPassword = httpsUrlProblem('https://id:s3cret@partnerapi.goilobby.com/x', example);
    expect(withPassword).to.match(/holds a user name or password/);
    expect(withPassword).not.to.include('s3cret');
    expect(httpsUrlProblem('https://partnerapi.goilobby.com/x#top', example)).to.match(/#fragment/);
  });

  function problems(ilobby: Record<string, unknown>): string[] {
    try {
      parseConfig(
        { ilobby: { uploadUrl: example, tokenUrl: 'https://partnerapi.goilobby.com/auth/connect/token', clientId: 'id', clientSecretEnv: 'S', ...ilobby } },
        '/c/config.json',
        '/c',
      );
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  }
  it('names each setting at fault: ilobby.tokenUrl, ilobby.issuer, ilobby.uploadUrl, ilobby[n]…', () => {
    expect(problems({ uploadUrl: 'http://x.example/upload' })).to.deep.equal([
      'ilobby.uploadUrl: "http://x.example/upload" must start with https:// (roster sends credentials and personal data only over TLS)',
    ]);
    expect(problems({ tokenUrl: 'ftp://x.example/token' })[0]).to.match(/^ilobby\.tokenUrl: /);
    expect(problems({ tokenUrl: undefined, issuer: 'x.example' })[0]).to.match(/^ilobby\.issuer: "x\.example" is not a URL/);
    try {
      parseConfig(
        {
          ilobby: [
            { name: 'a', uploadUrl: example, tokenUrl: 'https://t.example/t', clientId: 'i', clientSecretEnv: 'S' },
            { name: 'b', uploadUrl: 'https//oops', tokenUrl: 'https://t.example/t', clientId: 'i', clientSecretEnv: 'S' },
          ],
        },
        '/c/config.json',
        '/c',
      );
      expect.fail("a second target's bad uploadUrl must be refused");
    } catch (error) {
      expect((error as ConfigError).problems[0]).to.match(/^ilobby\[1\]\.uploadUrl: "https\/\/oops" is not a URL/);
    }
  });
  it('gives a push 600 s and a directory connection 60 s of silence by default', () => {
    const config = parseConfig(
      {
        directory: { url: 'ldaps://dc1.corp', searchBases: ['DC=corp'] },
        ilobby: { uploadUrl: example, tokenUrl: 'https://t.example/t', clientId: 'i', clientSecretEnv: 'S' },
      },
      '/c/config.json',
      '/c',
    );
    expect([config.ilobby[0]?.timeoutSeconds, config.directory?.idleTimeoutSeconds]).to.deep.equal([600, 60]);
    expect(problems({ timeoutSeconds: 0 })[0]).to.match(/^ilobby\.timeoutSeconds: must be a whole number from 1 to 86400/);
  });
  it('refuses a directory URL that names no server', () => {
    try {
      parseConfig({ directory: { url: 'ldaps://', searchBases: ['DC=corp'] } }, '/c/config.json', '/c');
      expect.fail('refused');
    } catch (error) {
      expect((error as ConfigError).problems).to.deep.equal(['directory.url: "ldaps://" names no server (expected e.g. "ldaps://dc1.corp.example.com")']);
    }
  });
});

describe('proxy variables checked when the config loads', () => {
  it('accepts http:// proxies, with or without the scheme, with credentials', () => {
    expect(
      proxyEnvironmentProblems({ HTTPS_PROXY: 'http://proxy.corp:3128', HTTP_PROXY: 'proxy.corp:3128', https_proxy: 'http://u:p@proxy.corp:8080/' }),
    ).to.deep.equal([]);
    expect(proxyEnvironmentProblems({ HTTPS_PROXY: '', NO_PROXY: '*' })).to.deep.equal([]);
  });
  it('names the variable, and hides the credentials in its value', () => {
    expect(proxyEnvironmentProblems({ HTTPS_PROXY: 'https://u:pw@proxy.corp:3128' })).to.deep.equal([
      'HTTPS_PROXY: "https://[credentials]@proxy.corp:3128": roster speaks to a proxy with plain HTTP CONNECT (http://host:port); https:// proxies are not supported',
    ]);
    expect(proxyEnvironmentProblems({ https_proxy: 'socks5://proxy:1080' })[0]).to.match(/^https_proxy: .*socks5:\/\/ proxies are not supported/);
    expect(proxyEnvironmentProblems({ HTTP_PROXY: 'http://proxy corp' })).to.deep.equal([
      'HTTP_PROXY: "http://proxy corp" is not a proxy URL (expected e.g. "http://proxy.corp.example.com:3128")',
    ]);
    expect(proxyEnvironmentProblems({ http_proxy: 'http://proxy.corp:3128/path' })[0]).to.match(/^http_proxy: .*has a path/);
  });
  it('HTTP_PROXY, which roster never dials, may be https://', () => {
    expect(proxyUrlProblem('https://proxy.corp:3128', false)).to.equal(undefined);
    expect(proxyUrlProblem('https://proxy.corp:3128', true)).to.match(/not supported/);
  });
  it('hides whatever stands before the @ of a URL', () => {
    expect(withoutCredentials('http://user:p@ss@proxy:3128')).to.equal('http://[credentials]@proxy:3128');
    expect(withoutCredentials('user:pw@proxy:3128')).to.equal('[credentials]@proxy:3128');
    expect(withoutCredentials('http://proxy:3128/a@b')).to.equal('http://proxy:3128/a@b');
  });
});
