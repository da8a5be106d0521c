// directory.auth "kerberos" against a real KDC: the test Samba AD DC's own, with the service
// account's keytab exported by samba-tool. No bind DN and no password anywhere: the rows must be
// those of a simple bind, with GSS-SPNEGO and GSSAPI, from a keytab and from a ticket cache; and
// each failure a sysadmin meets says what to try (exit 3).
import { expect } from 'chai';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAFF_DN } from '../harness/ad-fixture.js';
import { runRoster, workspace } from '../harness/cli.js';
import { requireBinary } from '../harness/daemon.js';
import { FAKETIME_LIBRARY, KERBEROS_PACKAGES, KINIT, kerberosFor, type KerberosSetup } from '../harness/kerberos.js';
import { useSamba } from '../harness/sambaSuite.js';

const expectedCsv = readFileSync(new URL('../../../fixtures/ad-expected.csv', import.meta.url), 'utf8');
const PASSWORD_ENV = 'ROSTER_TEST_BIND_PASSWORD';

describe('directory.auth kerberos against a real KDC (Samba AD DC)', function () {
  const ad = useSamba();
  let krb: KerberosSetup;
  before(async function () {
    requireBinary(this, KINIT, KERBEROS_PACKAGES);
    krb = await kerberosFor(ad());
  });

  function kerberosDirectory(kerberos: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) {
    return { url: ad().ldapsUrl, caFile: ad().caFile, auth: 'kerberos', kerberos: { spn: krb.spn, ...kerberos }, searchBases: [STAFF_DN], ...overrides };
  }
  async function run(command: string, directory: Record<string, unknown>, env: Record<string, string> = {}) {
    const dir = workspace({ 'config.json': { directory } });
    const result = await runRoster([command, '--config', join(dir, 'config.json')], { env: { ...krb.env, ...env } });
    const csv = join(dir, 'adextract.csv');
    return { ...result, dir, csv: existsSync(csv) ? readFileSync(csv, 'utf8') : undefined };
  }

  it('export from a keytab, GSS-SPNEGO (the default): the rows of a simple bind, no bind DN or password anywhere; the bind time is logged', async () => {
    const simple = workspace({
      'config.json': { directory: { url: ad().ldapsUrl, caFile: ad().caFile, bindDn: ad().bindDn, bindPasswordEnv: PASSWORD_ENV, searchBases: [STAFF_DN] } },
    });
    const simpleRun = await runRoster(['export', '--config', join(simple, 'config.json')], { env: { [PASSWORD_ENV]: ad().bindPassword } });
    expect(simpleRun.code, simpleRun.all).to.equal(0);

    const directory = kerberosDirectory({ keytabFile: krb.keytab });
    const kerberos = await run('export', directory);
    expect(kerberos.code, kerberos.all).to.equal(0);
    expect(kerberos.csv).to.equal(readFileSync(join(simple, 'adextract.csv'), 'utf8'));
    expect(kerberos.csv).to.equal(expectedCsv);
    expect(JSON.stringify(directory)).not.to.match(/bindDn|password/i);
    expect(kerberos.all).to.match(
      new RegExp(`Kerberos bind \\(GSS-SPNEGO\\) as ${krb.principal} in \\d+ ms; service principal ${krb.spn}, credentials from the keytab ${krb.keytab}`),
    );
  });

  it('export from a keytab with GSSAPI (RFC 4752: no security layer)', async () => {
    const result = await run('export', kerberosDirectory({ mechanism: 'GSSAPI', keytabFile: krb.keytab }));
    expect(result.code, result.all).to.equal(0);
    expect(result.csv).to.equal(expectedCsv);
    expect(result.all).to.include(`Kerberos bind (GSSAPI) as ${krb.principal}`);
  });

  for (const mechanism of ['GSS-SPNEGO', 'GSSAPI']) {
    it(`export from a ticket cache (kinit -k -t), ${mechanism}, no keytab configured`, async () => {
      const cache = await krb.kinit();
      const result = await run('export', kerberosDirectory({ mechanism }), { KRB5CCNAME: cache });
      expect(result.code, result.all).to.equal(0);
      expect(result.csv).to.equal(expectedCsv);
      expect(result.all).to.include(`credentials from the ticket cache ${cache} (KRB5CCNAME)`);
    });
  }

  it('export with the keytab KRB5_CLIENT_KTNAME names (as systemd hands it over), over StartTLS', async () => {
    const result = await run('export', kerberosDirectory({}, { url: ad().ldapUrl, startTls: true }), { KRB5_CLIENT_KTNAME: krb.keytab });
    expect(result.code, result.all).to.equal(0);
    expect(result.csv).to.equal(expectedCsv);
    expect(result.all).to.include(`credentials from the keytab ${krb.keytab} (KRB5_CLIENT_KTNAME)`);
  });

  it('plain ldap:// with auth kerberos is refused when the config loads (exit 2), before anything is sent', async () => {
    const result = await run('export', kerberosDirectory({ keytabFile: krb.keytab }, { url: ad().ldapUrl }));
    expect(result.code, result.all).to.equal(2);
    expect(result.all).to.include(`directory.url: "${ad().ldapUrl}": a Kerberos bind goes over TLS only: use ldaps://, or set "startTls": true`);
    expect(result.all).not.to.include('Kerberos bind (');
  });

  it('check names the principal, where the credentials come from, the service principal and the bind', async () => {
    const result = await run('check', kerberosDirectory({ keytabFile: krb.keytab }));
    expect(result.code, result.all).to.equal(0);
    expect(result.stdout).to.match(new RegExp(`kerberos GSS-SPNEGO to service principal ${krb.spn}; credentials from the keytab ${krb.keytab}`));
    expect(result.stdout).to.match(new RegExp(`bind +Kerberos \\(GSS-SPNEGO\\) as ${krb.principal} in \\d+ ms`));
  });

  it('a simple bind never loads koffi or any native addon; a Kerberos bind does', async () => {
    // A preload that records what the run loads: koffi's module, and native addons (process.dlopen).
    const spy = join(krb.dir, 'spy.cjs');
    writeFileSync(
      spy,
      [
        "const Module = require('node:module'); const fs = require('node:fs'); const loaded = [];",
        'const load = Module._load; Module._load = function (request, ...rest) { if (/koffi/.test(request)) loaded.push(request); return load.call(this, request, ...rest); };',
        'const dlopen = process.dlopen; process.dlopen = function (module, file, ...rest) { loaded.push(file); return dlopen.call(this, module, file, ...rest); };',
        "process.on('exit', () => fs.writeFileSync(process.env.ROSTER_TEST_LOADED, JSON.stringify(loaded)));",
      ].join('\n'),
    );
    const loadedBy = async (command: string, directory: Record<string, unknown>, env: Record<string, string>) => {
      const record = join(krb.dir, `loaded-${Date.now()}.json`);
      const result = await run(command, directory, { NODE_OPTIONS: `--require ${spy}`, ROSTER_TEST_LOADED: record, ...env });
      expect(result.code, result.all).to.equal(0);
      return JSON.parse(readFileSync(record, 'utf8')) as string[];
    };
    const simple = { url: ad().ldapsUrl, caFile: ad().caFile, bindDn: ad().bindDn, bindPasswordEnv: PASSWORD_ENV, searchBases: [STAFF_DN] };
    expect(await loadedBy('--version', simple, {})).to.deep.equal([]);
    expect(await loadedBy('export', simple, { [PASSWORD_ENV]: ad().bindPassword })).to.deep.equal([]);
    const kerberos = await loadedBy('export', kerberosDirectory({ keytabFile: krb.keytab }), {});
    expect(kerberos).to.include('koffi');
    expect(kerberos.some((file) => file.endsWith('koffi.node'))).to.equal(true);
  });

  describe('failures, each with what to try (exit 3)', () => {
    it('no credentials: no keytab and no ticket cache', async () => {
      const result = await run('check', kerberosDirectory());
      expect(result.code, result.all).to.equal(3);
      expect(result.stdout).to.match(/Kerberos bind to .* failed .*: Kerberos found no credentials to bind with/);
      expect(result.stdout).to.include('what to try: Give roster a client keytab');
      expect(result.stdout).to.include('kinit');
    });

    it('the service principal is unknown: the URL names the DC by its address', async () => {
      const result = await run('export', kerberosDirectory({ spn: undefined, keytabFile: krb.keytab }));
      expect(result.code, result.all).to.equal(3);
      expect(result.all).to.include(`service principal ldap/${ad().host}`);
      expect(result.all).to.include('Server not found in Kerberos database');
      expect(result.all).to.include('Name the domain controller by its DNS name in directory.url, not by its address or an alias');
      expect(result.all).to.include('setspn -L');
    });

    it('the KDC cannot be reached (nothing listens on its port)', async () => {
      const krb5Conf = krb.writeKrb5Conf('krb5-closed.conf', { kdc: `${ad().host}:9` });
      const result = await run('export', kerberosDirectory({ keytabFile: krb.keytab }), { KRB5_CONFIG: krb5Conf });
      expect(result.code, result.all).to.equal(3);
      expect(result.all).to.include('Cannot contact any KDC');
      expect(result.all).to.include('port 88 (TCP and UDP) is open to the DCs');
    });

    it('a KDC that never answers: the run fails after directory.idleTimeoutSeconds, the event loop free meanwhile', async function () {
      this.timeout(90_000);
      const silent: Socket = createSocket('udp4');
      await new Promise<void>((resolve) => silent.bind(0, ad().host, resolve));
      try {
        const krb5Conf = krb.writeKrb5Conf('krb5-silent.conf', {
          kdc: `${ad().host}:${silent.address().port}`,
          libdefaults: ['udp_preference_limit = 100000'],
        });
        const started = Date.now();
        let failedAfter: number | undefined;
        const dir = workspace({ 'config.json': { directory: kerberosDirectory({ keytabFile: krb.keytab }, { idleTimeoutSeconds: 2 }) } });
        const result = await runRoster(['export', '--config', join(dir, 'config.json')], {
          env: { ...krb.env, KRB5_CONFIG: krb5Conf },
          onOutput: (all) => {
            if (failedAfter === undefined && all.includes('no answer from the KDC')) failedAfter = Date.now() - started;
          },
        });
        expect(result.code, result.all).to.equal(3);
        expect(result.all).to.include('no answer from the KDC within 2 s (directory.idleTimeoutSeconds)');
        // Reported once the 2 s have passed, not when MIT's own retries end (about 18 s later).
        expect(failedAfter).to.be.lessThan(8_000);
      } finally {
        silent.close();
      }
    });

    it("clock skew: this computer's clock an hour ahead of the KDC's (libfaketime)", async function () {
      requireBinary(this, FAKETIME_LIBRARY, 'libfaketime');
      const krb5Conf = krb.writeKrb5Conf('krb5-no-timesync.conf', { libdefaults: ['kdc_timesync = 0'] });
      const result = await run('export', kerberosDirectory({ keytabFile: krb.keytab }), {
        KRB5_CONFIG: krb5Conf,
        LD_PRELOAD: FAKETIME_LIBRARY,
        FAKETIME: '+1h',
        FAKETIME_DONT_FAKE_MONOTONIC: '1',
      });
      expect(result.code, result.all).to.equal(3);
      expect(result.all).to.include('Clock skew too great');
      expect(result.all).to.include('synchronise it with the domain controllers');
    });
  });
});
