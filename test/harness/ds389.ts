// A throwaway 389 Directory Server (the server under FreeIPA and Red Hat Directory Server) for the
// integration tests: one per test process, made on first use and shared by every suite, stopped
// and removed when the process exits.
//
//   const ds = await start389ds();   // the account-state fixture (account-fixture.ts, flavour 389ds)
//   ... LDAPTLS_CACERT=ds.caFile ldapsearch -H ds.ldapsUrl -D ds.bindDn -w ds.bindPassword ...
//
// Made with the Debian package's own tools, everything under one temp folder: lib389 reads its
// paths from the defaults.inf under $PREFIX, so ours names the folder for every path, runs the
// server as root (no dirsrv account needs to reach the folder) and says with_systemd = 0: with
// `systemd = False` alone, dscreate still calls systemctl. The self-signed certificate dscreate
// would make names only the host, from a CA it keeps in /etc/dirsrv/ssca for every instance, so the
// instance gets a certificate of our own CA with its address in the SAN. dscreate starts the server
// once during setup listening on every address, so its ports are ones free on every address; then
// it listens on a loopback address of this process's own. Data is loaded offline (ldif2db).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_DN, SERVICE_BIND_DN, SERVICE_BIND_PASSWORD } from './account-fixture.js';
import { stateLdif } from './account-ldif.js';
import { makeCa, makeServerCert } from './certs.js';
import type { Socket } from 'node:net';
import { freePort, startDaemon, waitForPort, type Daemon } from './daemon.js';

export const NS_SLAPD = '/usr/sbin/ns-slapd';
export const DSCREATE = '/usr/sbin/dscreate';
export const DS389_PACKAGE = '389-ds-base';
const DSCTL = '/usr/sbin/dsctl';
const INSTANCE = 'roster';
const ADMIN_DN = 'cn=Directory Manager';
const ADMIN_PASSWORD = 'Directory-Manager-Passw0rd';

/** This process's own loopback address (Samba uses 127.77.x.y, so 389-ds takes 127.79.x.y). */
const HOST = `127.79.${Math.floor(process.pid / 254) % 256}.${(process.pid % 254) + 1}`;

export interface Ds389Directory {
  host: string;
  ldapUrl: string;
  ldapsUrl: string;
  /** Our throwaway CA, which signed the server's certificate (SAN: the host's address and localhost). */
  caFile: string;
  baseDn: string;
  bindDn: string;
  bindPassword: string;
  adminDn: string;
  adminPassword: string;
  dir: string;
  /** The end of the server's error log. */
  output(): string;
  timings: { createMs: number; importMs: number; startMs: number };
}

let shared: Promise<Ds389Directory> | undefined;

/** The process's 389 Directory Server, made on the first call (about 10 s), loaded with the 389-ds account-state fixture. */
export function start389ds(): Promise<Ds389Directory> {
  shared ??= create();
  return shared;
}

async function create(): Promise<Ds389Directory> {
  const dir = mkdtempSync(join(tmpdir(), 'roster-389ds-'));
  let daemon: Daemon | undefined;
  const cleanUp = () => {
    daemon?.process.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  // Removed with its folder when the process ends; a CI job stopped by a signal ends through 'exit' too.
  process.once('exit', cleanUp);
  const onSignal = (signal: NodeJS.Signals) => process.exit(signal === 'SIGTERM' ? 143 : 129);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    let t = Date.now();
    const [ldapPort, ldapsPort] = await twoPortsFreeEverywhere();
    const env = { ...process.env, PREFIX: dir };
    writeDefaults(dir);
    const inf = join(dir, 'instance.inf');
    writeFileSync(
      inf,
      [
        '[general]',
        'full_machine_name = localhost',
        'start = False',
        '[slapd]',
        `instance_name = ${INSTANCE}`,
        `port = ${ldapPort}`,
        `secure_port = ${ldapsPort}`,
        `root_password = ${ADMIN_PASSWORD}`,
        'self_sign_cert = False',
        '[backend-userroot]',
        `suffix = ${BASE_DN}`,
        '',
      ].join('\n'),
    );
    run(DSCREATE, ['from-file', inf], env);
    const config = join(dir, 'etc', `slapd-${INSTANCE}`);
    const caFile = installCertificate(dir, config);
    // The addresses to listen on, and TLS on: set in the configuration before the first real start.
    const dse = join(config, 'dse.ldif');
    writeFileSync(
      dse,
      readFileSync(dse, 'utf8').replace(
        `nsslapd-port: ${ldapPort}\n`,
        `nsslapd-port: ${ldapPort}\nnsslapd-listenhost: ${HOST}\nnsslapd-securelistenhost: ${HOST}\nnsslapd-security: on\n`,
      ),
    );
    const createMs = Date.now() - t;

    t = Date.now();
    const ldif = join(dir, 'people.ldif');
    writeFileSync(ldif, stateLdif('389ds'));
    run(DSCTL, [INSTANCE, 'ldif2db', 'userroot', ldif], env);
    const importMs = Date.now() - t;

    t = Date.now();
    const errors = join(dir, 'log', 'errors');
    // -d 0 keeps ns-slapd in the foreground, so the harness owns its process.
    daemon = startDaemon(NS_SLAPD, ['-D', config, '-i', join(dir, 'run', 'ns-slapd.pid'), '-d', '0']);
    // Do not keep the test process alive for its sake: it is stopped on 'exit'.
    daemon.process.unref();
    (daemon.process.stdout as Socket | null)?.unref();
    (daemon.process.stderr as Socket | null)?.unref();
    const output = () => {
      try {
        return readFileSync(errors, 'utf8').slice(-64_000);
      } catch {
        return daemon?.output() ?? '';
      }
    };
    try {
      await waitForPort(HOST, ldapPort, 60_000, daemon);
      await waitForPort(HOST, ldapsPort, 60_000, daemon);
    } catch (error) {
      throw new Error(`${(error as Error).message.split('\n')[0]}\n389-ds error log:\n${output()}`, { cause: error });
    }
    const startMs = Date.now() - t;
    return {
      host: HOST,
      ldapUrl: `ldap://${HOST}:${ldapPort}`,
      ldapsUrl: `ldaps://${HOST}:${ldapsPort}`,
      caFile,
      baseDn: BASE_DN,
      bindDn: SERVICE_BIND_DN,
      bindPassword: SERVICE_BIND_PASSWORD,
      adminDn: ADMIN_DN,
      adminPassword: ADMIN_PASSWORD,
      dir,
      output,
      timings: { createMs, importMs, startMs },
    };
  } catch (error) {
    shared = undefined;
    cleanUp();
    process.removeListener('exit', cleanUp);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGHUP', onSignal);
    throw error;
  }
}

/** Two ports nothing listens on, on any address: dscreate's setup start binds every address. */
async function twoPortsFreeEverywhere(): Promise<[number, number]> {
  const first = await freePort('0.0.0.0');
  let second = await freePort('0.0.0.0');
  while (second === first) second = await freePort('0.0.0.0');
  return [first, second];
}

/** lib389's defaults.inf with every path in `dir`, the server run as root, and no systemd. */
function writeDefaults(dir: string): void {
  const paths: Record<string, string> = {
    with_systemd: '0',
    user: 'root',
    group: 'root',
    config_dir: join(dir, 'etc', 'slapd-{instance_name}'),
    schema_dir: join(dir, 'etc', 'slapd-{instance_name}', 'schema'),
    cert_dir: join(dir, 'etc', 'slapd-{instance_name}'),
    local_state_dir: join(dir, 'var'),
    run_dir: join(dir, 'run'),
    ldapi: join(dir, 'run', 'ldapi.socket'),
    pid_file: join(dir, 'run', 'ns-slapd.pid'),
    inst_dir: join(dir, 'inst'),
    tmpfiles_d: join(dir, 'tmpfiles.d'),
    lock_dir: join(dir, 'lock'),
    log_dir: join(dir, 'log'),
    access_log: join(dir, 'log', 'access'),
    audit_log: join(dir, 'log', 'audit'),
    error_log: join(dir, 'log', 'errors'),
    security_log: join(dir, 'log', 'security'),
    db_dir: join(dir, 'db'),
    db_home_dir: join(dir, 'db-home'),
    backup_dir: join(dir, 'bak'),
    ldif_dir: join(dir, 'ldif'),
  };
  const lines = readFileSync('/usr/share/dirsrv/inf/defaults.inf', 'utf8')
    .split('\n')
    .map((line) => {
      const key = /^(\w+)\s*=/.exec(line)?.[1];
      return key !== undefined && key in paths ? `${key} = ${paths[key]}` : line;
    });
  mkdirSync(join(dir, 'share', 'dirsrv', 'inf'), { recursive: true });
  writeFileSync(join(dir, 'share', 'dirsrv', 'inf', 'defaults.inf'), lines.join('\n'));
}

/** Our CA and a server certificate for the host's address, put in the instance's NSS database as Server-Cert. */
function installCertificate(dir: string, config: string): string {
  const ca = makeCa('roster 389-ds test CA', dir);
  const cert = makeServerCert(ca, '389ds', [HOST, 'localhost']);
  const p12 = join(ca.dir, '389ds.p12');
  execFileSync('openssl', ['pkcs12', '-export', '-in', cert.certFile, '-inkey', cert.keyFile, '-name', 'Server-Cert', '-out', p12, '-passout', 'pass:roster'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const pinFile = join(config, 'pwdfile.txt');
  run('pk12util', ['-i', p12, '-d', `sql:${config}`, '-k', pinFile, '-W', 'roster']);
  run('certutil', ['-A', '-d', `sql:${config}`, '-n', 'roster test CA', '-t', 'CT,,', '-i', ca.certFile, '-f', pinFile]);
  return ca.certFile;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { env, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${result.stdout}${result.stderr}`);
}
