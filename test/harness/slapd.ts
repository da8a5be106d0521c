// A throwaway OpenLDAP server per call: its own temp folder, generated slapd.conf (never the
// system configuration), mdb database bulk-loaded with slapadd before slapd starts, a fresh CA,
// plain LDAP (with StartTLS) and LDAPS on free loopback ports.
//
//   const dir = await startSlapd();                      // fixtures/ldap-people.ldif
//   const big = await startSlapd({ ldifFiles: [file], sizeLimit: 500 });
//   ... LDAPTLS_CACERT=dir.caFile ldapsearch -H dir.ldapsUrl -D dir.bindDn -w dir.bindPassword ...
//   await dir.stop();
//
// Limits (slapd.conf(5), "limits"): `sizeLimit` is the service account's soft and hard size limit
// for an ordinary search. Unless `pagedSizeLimit` says otherwise, OpenLDAP applies the same hard
// limit to the *total* of a paged search (size.prtotal defaults to the hard limit), so a paged
// search stops with sizeLimitExceeded too. `pagedSizeLimit: 'unlimited'` makes slapd behave like
// Active Directory (MaxPageSize): ordinary searches are cut off, paged searches return everything.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCa, makeServerCert } from './certs.js';
import { freePort, startDaemon, stopProcess, waitForPort, type Daemon } from './daemon.js';
import { BASE_DN, FILTER, PEOPLE_LDIF_FILE, SEARCH_BASE, SERVICE_BIND_DN, SERVICE_BIND_PASSWORD } from './ldap-fixture.js';

export const SLAPD = '/usr/sbin/slapd';
export const SLAPADD = '/usr/sbin/slapadd';
const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIR = '/usr/lib/ldap';
const ADMIN_PASSWORD = 'slapd-admin-secret';

export interface SlapdDirectory {
  /** ldap://127.0.0.1:<port> (StartTLS available). */
  ldapUrl: string;
  /** ldaps://127.0.0.1:<port2> */
  ldapsUrl: string;
  ldapPort: number;
  ldapsPort: number;
  /** Throwaway CA that signed slapd's certificate (SAN localhost and 127.0.0.1). */
  caFile: string;
  /** 'dc=example,dc=org' */
  baseDn: string;
  /** Read-only service account: reads everything except passwords. */
  bindDn: string;
  bindPassword: string;
  /** rootdn, exempt from ACLs and limits: for tests that change the directory (ldapmodify). */
  adminDn: string;
  adminPassword: string;
  /** The temp folder (slapd.conf, db/, ca/); removed by stop(). */
  dir: string;
  /** slapd's process, e.g. to kill it mid-search. */
  process: ChildProcess;
  /** The end of slapd's log (dir/slapd.log; -d stats: connections, binds, searches, result codes). */
  output(): string;
  /** Milliseconds spent in slapadd and in starting slapd, for benchmarks. */
  timings: { certsMs: number; slapaddMs: number; startMs: number };
  stop(): Promise<void>;
}

export interface SlapdOptions {
  /** LDIF files loaded in order with slapadd; each must be valid on its own. Default: fixtures/ldap-people.ldif. */
  ldifFiles?: string[];
  /** The service account's size limit for ordinary searches. Default 'unlimited'. */
  sizeLimit?: number | 'unlimited';
  /**
   * Limit on the total of a paged search (size.prtotal): 'hard' (OpenLDAP's default: same as sizeLimit),
   * 'unlimited' (paging bypasses sizeLimit, like AD), 'disabled' (paged results refused) or a number.
   */
  pagedSizeLimit?: number | 'hard' | 'unlimited' | 'disabled';
  /** The service account's time limit in seconds. Default 'unlimited'. */
  timeLimit?: number | 'unlimited';
  /** slapd's -d level. Default 'stats'. */
  logLevel?: string;
  /**
   * Load the ppolicy overlay (password policy: pwdAccountLockedTime; default policy
   * cn=default,ou=Policies) and the memberof overlay, as a site locking accounts would run slapd.
   */
  overlays?: boolean;
}

/**
 * config.json's `directory` section for this server: LDAPS with its CA, the fixture's service
 * account (its password from the variable `bindPasswordEnv`), search base and filter.
 */
export function slapdDirectoryConfig(ldap: SlapdDirectory, bindPasswordEnv: string): Record<string, unknown> {
  return { url: ldap.ldapsUrl, caFile: ldap.caFile, bindDn: SERVICE_BIND_DN, bindPasswordEnv, searchBases: [SEARCH_BASE], filter: FILTER };
}

export async function startSlapd(options: SlapdOptions = {}): Promise<SlapdDirectory> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-slapd-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  try {
    return await start(dir, options, removeDir);
  } catch (err) {
    removeDir();
    throw err;
  }
}

function limitsLine(options: SlapdOptions): string {
  const size = options.sizeLimit ?? 'unlimited';
  const time = options.timeLimit ?? 'unlimited';
  const parts = [`limits dn.exact="${SERVICE_BIND_DN}"`, `size=${size}`, `time=${time}`];
  const paged = options.pagedSizeLimit ?? 'hard';
  if (paged !== 'hard') parts.push(`size.prtotal=${paged}`);
  return parts.join(' ');
}

function slapdConf(dir: string, cert: { certFile: string; keyFile: string }, caFile: string, options: SlapdOptions): string {
  return `# generated by test/harness/slapd.ts
include ${SCHEMA_DIR}/core.schema
include ${SCHEMA_DIR}/cosine.schema
include ${SCHEMA_DIR}/inetorgperson.schema
include ${SCHEMA_DIR}/nis.schema

modulepath ${MODULE_DIR}
moduleload back_mdb
${options.overlays ? 'moduleload ppolicy\nmoduleload memberof\n' : ''}
pidfile "${join(dir, 'slapd.pid')}"
argsfile "${join(dir, 'slapd.args')}"

TLSCACertificateFile "${caFile}"
TLSCertificateFile "${cert.certFile}"
TLSCertificateKeyFile "${cert.keyFile}"
# TLS 1.2+ only. Debian's slapd uses GnuTLS, which ignores TLSProtocolMin: the priority string decides.
TLSCipherSuite NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2
TLSVerifyClient never

# Frontend: anyone may read the root DSE and the schema (as on AD); nothing else without binding.
access to dn.base="" by * read
access to dn.base="cn=Subschema" by * read

database mdb
suffix "${BASE_DN}"
rootdn "cn=admin,${BASE_DN}"
rootpw "${ADMIN_PASSWORD}"
directory "${join(dir, 'db')}"
maxsize 4294967296
dbnosync
index objectClass eq

# Anonymous may only bind; the service account reads everything but passwords.
access to attrs=userPassword
  by anonymous auth
  by * none
access to *
  by dn.exact="${SERVICE_BIND_DN}" read
  by * none

# Global default is 500; the service account's own limits:
${limitsLine(options)}
${
  options.overlays
    ? `
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf

overlay ppolicy
ppolicy_default "cn=default,ou=Policies,${BASE_DN}"
`
    : ''
}`;
}

async function start(dir: string, options: SlapdOptions, removeDir: () => void): Promise<SlapdDirectory> {
  let t = Date.now();
  const ca = makeCa('roster slapd test CA', dir);
  const cert = makeServerCert(ca, 'slapd', ['localhost', '127.0.0.1']);
  const certsMs = Date.now() - t;

  const conf = join(dir, 'slapd.conf');
  writeFileSync(conf, slapdConf(dir, cert, ca.certFile, options));
  mkdirSync(join(dir, 'db'));

  t = Date.now();
  for (const file of options.ldifFiles ?? [PEOPLE_LDIF_FILE]) {
    const r = spawnSync(SLAPADD, ['-f', conf, '-b', BASE_DN, '-q', '-l', file], { encoding: 'utf8' });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`slapadd -l ${file} exited with ${r.status}:\n${r.stderr}${r.stdout}`);
  }
  const slapaddMs = Date.now() - t;

  t = Date.now();
  const logFile = join(dir, 'slapd.log');
  const output = () => {
    try {
      const log = readFileSync(logFile, 'utf8');
      return log.length > 64_000 ? log.slice(-64_000) : log;
    } catch {
      return '';
    }
  };
  let daemon: Daemon | undefined;
  let ldapPort: number;
  let ldapsPort: number;
  // freePort can race with other processes; retry a port clash a couple of times.
  for (let attempt = 1; ; attempt++) {
    ldapPort = await freePort();
    do ldapsPort = await freePort();
    while (ldapsPort === ldapPort);
    // slapd logs to a file, not to a pipe: a test that blocks its event loop (execFileSync of
    // roster against this server) would otherwise stop draining the pipe and freeze slapd.
    // `exec` keeps slapd's pid, so signals reach slapd itself.
    writeFileSync(logFile, '');
    daemon = startDaemon('/bin/sh', [
      '-c',
      `exec "$@" >>'${logFile}' 2>&1`,
      'sh',
      SLAPD,
      '-h',
      `ldap://127.0.0.1:${ldapPort}/ ldaps://127.0.0.1:${ldapsPort}/`,
      '-f',
      conf,
      '-d',
      options.logLevel ?? 'stats',
    ]);
    try {
      await waitForPort('127.0.0.1', ldapPort, 15_000, daemon);
      await waitForPort('127.0.0.1', ldapsPort, 15_000, daemon);
      break;
    } catch (err) {
      await daemon.stop();
      const log = output();
      if (attempt < 3 && /errno=98|Address already in use/.test(log)) continue;
      throw new Error(`${(err as Error).message.split('\n')[0]}\nslapd log:\n${log}`, { cause: err });
    }
  }
  const startMs = Date.now() - t;

  const child = daemon.process;
  // If a test forgets stop() (or mocha dies), don't leave slapd or its folder behind.
  const onExit = () => {
    child.kill('SIGKILL');
    removeDir();
  };
  process.once('exit', onExit);
  let stopped: Promise<void> | undefined;

  return {
    ldapUrl: `ldap://127.0.0.1:${ldapPort}`,
    ldapsUrl: `ldaps://127.0.0.1:${ldapsPort}`,
    ldapPort,
    ldapsPort,
    caFile: ca.certFile,
    baseDn: BASE_DN,
    bindDn: SERVICE_BIND_DN,
    bindPassword: SERVICE_BIND_PASSWORD,
    adminDn: `cn=admin,${BASE_DN}`,
    adminPassword: ADMIN_PASSWORD,
    dir,
    process: child,
    output,
    timings: { certsMs, slapaddMs, startMs },
    stop() {
      stopped ??= (async () => {
        await stopProcess(child);
        process.removeListener('exit', onExit);
        removeDir();
      })();
      return stopped;
    },
  };
}
