// Kerberos against the test Samba's own KDC (test/harness/samba.ts runs one on the DC's loopback
// address): a krb5.conf of the test's own (KRB5_CONFIG, so /etc/krb5.conf is never read or
// changed), the service account's keytab exported with samba-tool, and kinit into a ticket cache
// of the test's own. Nothing maps the DC's DNS name to its address (no /etc/hosts edit): the
// tests connect by address and name the service principal (directory.kerberos.spn), and MIT is
// told not to canonicalise names through DNS.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_ACCOUNT } from './ad-fixture.js';
import type { SambaDirectory } from './samba.js';

export const KINIT = '/usr/bin/kinit';
export const KERBEROS_PACKAGES = 'krb5-user';
/** libfaketime (Debian: libfaketime), for the clock-skew test. */
export const FAKETIME_LIBRARY = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

export interface KerberosSetup {
  /** The environment a roster run needs to use this realm: KRB5_CONFIG, and a ticket cache that does not exist. */
  env: Record<string, string>;
  krb5Conf: string;
  /** The service account's client keytab. */
  keytab: string;
  /** svc-roster@CORP.EXAMPLE.COM */
  principal: string;
  /** The DC's service principal the tests bind to. */
  spn: string;
  dir: string;
  /** A krb5.conf for the same realm with other KDCs or settings, e.g. a KDC that does not answer. */
  writeKrb5Conf(name: string, options: { kdc?: string; libdefaults?: string[] }): string;
  /** kinit from the keytab into a new ticket cache; returns its KRB5CCNAME. */
  kinit(): Promise<string>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

export async function kerberosFor(ad: SambaDirectory): Promise<KerberosSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-krb5-'));
  const principal = `${SERVICE_ACCOUNT.sAMAccountName}@${ad.realm}`;
  const writeKrb5Conf = (name: string, options: { kdc?: string; libdefaults?: string[] }) => {
    const file = join(dir, name);
    writeFileSync(
      file,
      [
        '[libdefaults]',
        `  default_realm = ${ad.realm}`,
        '  dns_lookup_kdc = false',
        '  dns_lookup_realm = false',
        '  dns_canonicalize_hostname = false',
        '  rdns = false',
        ...(options.libdefaults ?? []).map((line) => `  ${line}`),
        '[realms]',
        `  ${ad.realm} = {`,
        `    kdc = ${options.kdc ?? ad.host}`,
        '  }',
        '',
      ].join('\n'),
    );
    return file;
  };
  const krb5Conf = writeKrb5Conf('krb5.conf', {});
  const keytab = join(dir, 'svc-roster.keytab');
  await run('samba-tool', ['domain', 'exportkeytab', keytab, `--principal=${SERVICE_ACCOUNT.sAMAccountName}`, '-s', ad.smbConf], process.env);
  let caches = 0;
  return {
    env: { KRB5_CONFIG: krb5Conf, KRB5CCNAME: `FILE:${join(dir, 'no-such-cache')}` },
    krb5Conf,
    keytab,
    principal,
    spn: `ldap/${ad.dcHostname}`,
    dir,
    writeKrb5Conf,
    async kinit() {
      const cache = `FILE:${join(dir, `cache-${++caches}`)}`;
      await run(KINIT, ['-k', '-t', keytab, principal], { ...process.env, KRB5_CONFIG: krb5Conf, KRB5CCNAME: cache });
      return cache;
    },
  };
}
