// A real Active Directory domain controller for the integration tests: Samba AD, provisioned in a
// temporary folder, loaded with fixtures/ad-people.ldif and serving LDAP (389, StartTLS) and
// LDAPS (636) on a loopback address of its own with a certificate from a throwaway CA.
//
// One directory per test process: startSamba() provisions on first call and hands the same
// directory to every later caller (suites share it; they must not change the fixture people, but
// may add their own entries as admin). It is stopped and its folder removed when the process exits.
//
// Needs (Debian): samba-ad-dc samba-ad-provision (they pull in samba, samba-tool and the
// python3-samba/python3-ldb bindings used to load the fixture offline), openssl; the smoke test
// also uses ldapsearch (ldap-utils). Runs as root; no systemd needed.
// Samba listens on fixed ports (389, 636, 3268, 3269): one such test process per machine at a time;
// a second one fails fast, naming the busy port.
//
// How this DC differs from a Windows one, for test authors:
// - it does not enforce MaxPageSize: an unpaged search of OU=Staff returns all entries instead of
//   sizeLimitExceeded after 1000, and a 2000-entry page is served as asked. Paging has to be proven
//   against slapd's size limit, not here;
// - it offers TLS 1.0 to 1.3 (GnuTLS "NORMAL:-VERS-SSL3.0"), like an unhardened DC: refusing
//   TLS < 1.2 is roster's job;
// - like AD it refuses a simple bind without TLS (strongerAuthRequired, 8), answers a wrong
//   password with 49 "... data 52e", and accepts UPN, DOMAIN\user and full-DN bind names.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { makeCa, makeServerCert } from './certs.js';
import { startDaemon, waitForPort, type Daemon } from './daemon.js';
import { alive, descendants } from './processTree.js';
import { BASE_DN, DNS_DOMAIN, LDIF_PATH, SERVICE_ACCOUNT } from './ad-fixture.js';

export interface SambaDirectory {
  host: string; // a loopback address of this process's own, e.g. '127.77.3.42'
  ldapsUrl: string; // 'ldaps://<host>:636'
  ldapUrl: string; // 'ldap://<host>:389' (StartTLS; simple bind without TLS is refused)
  /** PEM of the throwaway CA that signed the DC's certificate (SAN: dc1.corp.example.com, localhost and <host>). */
  caFile: string;
  baseDn: string; // 'DC=corp,DC=example,DC=com'
  /** The service account, in UPN form (AD simple bind accepts it). */
  bindDn: string;
  bindPassword: string;
  /** Domain administrator, for tests that modify the directory. */
  adminDn: string;
  adminPassword: string;
  /** The DC's DNS name (in the certificate; it does not resolve). */
  dcHostname: string;
  /** The Kerberos realm (CORP.EXAMPLE.COM); its KDC is this DC, on `host` port 88. */
  realm: string;
  /** The DC's smb.conf, for samba-tool (-s) in tests. */
  smbConf: string;
  /** How long each step took, in milliseconds (spnMs: registering the DC's ldap/ service principals). */
  timings: { provisionMs: number; loadMs: number; startMs: number; spnMs: number };
  /** samba's processes now: the one started and all it forked (the LDAP workers among them). */
  pids(): number[];
  /**
   * Stops samba and removes its folder (idempotent). Suites sharing the directory should not call
   * it: it happens on process exit (and on SIGTERM/SIGHUP). A later startSamba() provisions anew.
   */
  stop(): Promise<void>;
}

export const SAMBA_BINARY = '/usr/sbin/samba';
export const SAMBA_PACKAGES = 'samba-ad-dc samba-ad-provision';

// Each test process gets its own loopback address, so several processes (CI, a developer, a
// helper) can each run a Samba on the fixed LDAP ports at once. All of 127/8 is loopback.
const HOST = `127.77.${Math.floor(process.pid / 254) % 256}.${(process.pid % 254) + 1}`;
const LDAP_PORT = 389;
const LDAPS_PORT = 636;
/** Samba's LDAP service also opens the global catalog ports, and its KDC 88 and kpasswd 464; they must be free too. */
const PORTS = [LDAP_PORT, LDAPS_PORT, 3268, 3269, 88, 464];
const REALM = DNS_DOMAIN.toUpperCase();
const NETBIOS_DOMAIN = 'CORP';
const DC_NAME = 'dc1';
const DC_HOSTNAME = `${DC_NAME}.${DNS_DOMAIN}`;
// Both meet AD's default complexity rules.
const ADMIN_PASSWORD = 'Roster-Adm1n-Passw0rd!';
const SERVICE_PASSWORD = 'Roster-Svc-Passw0rd!';

export interface SambaOptions {
  /**
   * More LDIF files loaded offline after fixtures/ad-people.ldif, through the same Samba module
   * stack (e.g. the benchmark's 10,000 generated users). Only the first startSamba() of a process
   * decides; a later call asking for different files is refused rather than silently served
   * a directory without them.
   */
  extraLdifFiles?: string[];
}

let running: Promise<SambaDirectory> | undefined;
let runningExtras = '[]';

/** The shared directory, provisioned and started on first use. */
export function startSamba(options: SambaOptions = {}): Promise<SambaDirectory> {
  const extras = JSON.stringify(options.extraLdifFiles ?? []);
  if (!running) {
    const started = launch(options.extraLdifFiles ?? []);
    running = started;
    runningExtras = extras;
    started.catch(() => {
      if (running === started) running = undefined;
    });
  } else if (extras !== runningExtras && extras !== '[]') {
    return Promise.reject(new Error(`startSamba: this process's Samba was started with extraLdifFiles ${runningExtras}, not ${extras}`));
  }
  return running;
}

// Loads the LDIF into sam.ldb while Samba is stopped, in one transaction, through Samba's own
// module stack (samldb fills in objectSid, objectCategory, memberOf back-links...), then sets the
// service account's password. ~2 ms per entry, against ~8 ms per entry with ldapadd over LDAPS.
// Samba's LDIF reader refuses a "version: 1" line; the fixture has none.
const LOADER = `
import os, sys
from samba.samdb import SamDB
from samba.auth import system_session
from samba.param import LoadParm
smb_conf, ldif_path, account = sys.argv[1:4]
ldif_paths = [ldif_path] + sys.argv[4:]
lp = LoadParm()
lp.load(smb_conf)
db = SamDB(url=lp.private_path('sam.ldb'), session_info=system_session(), lp=lp)
db.transaction_start()
try:
    n = 0
    for i, path in enumerate(ldif_paths):
        with open(path, encoding='utf-8') as f:
            text = f.read()
        for _changetype, msg in db.parse_ldif(text):
            db.add(msg)
            n += 1
            # Extra files are big (the benchmark's 10,000 users): ldb slows down as one
            # transaction grows, so they are committed every 200 entries (75 s instead of 165 s).
            if i > 0 and n % 200 == 0:
                db.transaction_commit()
                db.transaction_start()
    db.setpassword('(sAMAccountName=%s)' % account, os.environ['ROSTER_SERVICE_PASSWORD'], False, account)
    db.transaction_commit()
except BaseException:
    db.transaction_cancel()
    raise
print('loaded %d entries' % n)
`;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args[0] ?? ''} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

/** The interpreter samba-tool runs with: the samba python modules live there (not in a pyenv python). */
function sambaPython(): string {
  try {
    const shebang = readFileSync('/usr/bin/samba-tool', 'utf8').split('\n', 1)[0] ?? '';
    const m = /^#!\s*(\S+)/.exec(shebang);
    if (m?.[1] && existsSync(m[1])) return m[1];
  } catch {
    /* fall through */
  }
  return '/usr/bin/python3';
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function assertPortsFree(): Promise<void> {
  for (const port of PORTS) {
    if (await portOpen(port)) {
      throw new Error(
        `${HOST}:${port} is already in use, so the test Samba cannot start (it needs ${PORTS.join(', ')}). ` +
          `Probably a samba left over from an earlier run: find it with \`ss -ltnp 'sport = :${port}'\` and stop it by its pid.`,
      );
    }
  }
}

async function waitForPortsClosed(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && ((await portOpen(LDAPS_PORT)) || (await portOpen(LDAP_PORT)))) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until a TLS handshake on 636 succeeds and the certificate verifies against `caFile`. */
async function waitForTls(caFile: string, timeoutMs: number, daemon: Daemon): Promise<void> {
  const ca = readFileSync(caFile);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const error = await new Promise<Error | undefined>((resolve) => {
      const socket = tlsConnect({ host: HOST, port: LDAPS_PORT, ca, timeout: 5000 });
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(new Error('TLS handshake timed out'));
      });
      socket.once('error', (e: Error) => resolve(e));
    });
    if (!error) return;
    if (daemon.process.exitCode !== null || Date.now() > deadline) {
      throw new Error(`samba's LDAPS did not come up: ${error.message}\n${daemon.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** SIGKILL whatever of `pids` is still running after `graceMs`, then wait for it to go. */
async function reap(pids: number[], graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const p of pids.filter(alive))
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  while (pids.some(alive) && Date.now() < deadline + 2000) await new Promise((r) => setTimeout(r, 50));
}

/** Synchronous, for process 'exit': SIGTERM samba, give its processes 3 s, then SIGKILL them. */
function killTreeNow(daemon: Daemon): void {
  const pid = daemon.process.pid;
  if (!pid || !alive(pid)) return;
  const tree = [pid, ...descendants(pid)];
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const deadline = Date.now() + 3000;
  while (tree.some(alive) && Date.now() < deadline) sleepSync(50);
  for (const p of tree.filter(alive))
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  while (tree.some(alive) && Date.now() < deadline + 2000) sleepSync(50);
}

function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (error) {
    console.warn(`could not remove ${dir}: ${(error as Error).message}`);
  }
}

async function launch(extraLdifFiles: string[]): Promise<SambaDirectory> {
  await assertPortsFree();
  const dir = mkdtempSync(join(tmpdir(), 'roster-samba-'));
  const target = join(dir, 'ad');
  const smbConf = join(target, 'etc', 'smb.conf');
  let daemon: Daemon | undefined;
  const onExit = () => {
    if (daemon) killTreeNow(daemon);
    removeDir(dir);
  };
  // A CI job killed on timeout gets SIGTERM: without this, samba would survive and hold the
  // fixed ports for the next run. (Ctrl-C reaches samba directly: it stays in our process group.)
  const onSignal = (signal: NodeJS.Signals) => {
    onExit();
    process.exit(signal === 'SIGTERM' ? 143 : 129);
  };
  const forget = () => {
    process.off('exit', onExit);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  };
  process.on('exit', onExit);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    const ca = makeCa('roster samba test CA', dir);
    // 127.0.0.1 too: tests reach the DC through proxies listening there.
    const cert = makeServerCert(ca, DC_NAME, [DC_HOSTNAME, 'localhost', HOST, '127.0.0.1']);
    chmodSync(cert.keyFile, 0o600); // samba refuses a private key others can read

    const options: Record<string, string> = {
      interfaces: `${HOST}/8`,
      'bind interfaces only': 'yes',
      // Only the LDAP server (389/636 and the global catalog 3268/3269) and the KDC (88, for the
      // Kerberos binds): no SMB, RPC, DNS, NBT, replication... Starts in about a second.
      'server services': 'ldap kdc',
      'tls enabled': 'yes',
      'tls keyfile': cert.keyFile,
      'tls certfile': cert.certFile,
      'tls cafile': ca.certFile,
      // Keep everything under `dir` (the defaults point at /run/samba and /var/lib/samba).
      'pid directory': join(dir, 'run'),
      'ncalrpc dir': join(dir, 'run', 'ncalrpc'),
      'winbindd socket directory': join(dir, 'run', 'winbindd'),
      'ntp signd socket directory': join(dir, 'run', 'ntp_signd'),
      'log file': join(dir, 'samba.log'),
      // Simple binds need TLS (Samba's default 'yes' too), and SASL binds over TLS are allowed
      // without a security layer, as Active Directory allows them: the Kerberos binds.
      'ldap server require strong auth': 'allow_sasl_over_tls',
    };
    const env = { ...process.env, LANG: 'C.UTF-8' };

    let t = Date.now();
    await run(
      'samba-tool',
      [
        'domain',
        'provision',
        `--targetdir=${target}`,
        `--realm=${REALM}`,
        `--domain=${NETBIOS_DOMAIN}`,
        `--host-name=${DC_NAME}`,
        '--server-role=dc',
        '--dns-backend=NONE',
        `--adminpass=${ADMIN_PASSWORD}`,
        ...Object.entries(options).map(([k, v]) => `--option=${k} = ${v}`),
      ],
      env,
    );
    const provisionMs = Date.now() - t;

    t = Date.now();
    const loader = join(dir, 'load-fixture.py');
    writeFileSync(loader, LOADER);
    await run(sambaPython(), [loader, smbConf, LDIF_PATH, SERVICE_ACCOUNT.sAMAccountName, ...extraLdifFiles], {
      ...env,
      ROSTER_SERVICE_PASSWORD: SERVICE_PASSWORD,
    });
    const loadMs = Date.now() - t;

    t = Date.now();
    daemon = startDaemon(SAMBA_BINARY, ['-s', smbConf, '--foreground', '--no-process-group', '--debug-stdout'], env);
    // Do not keep the test process alive for samba's sake: it is stopped on 'exit'.
    daemon.process.unref();
    (daemon.process.stdout as Socket | null)?.unref();
    (daemon.process.stderr as Socket | null)?.unref();
    await waitForPort(HOST, LDAPS_PORT, 60_000, daemon);
    await waitForPort(HOST, LDAP_PORT, 10_000, daemon);
    await waitForTls(ca.certFile, 30_000, daemon);
    const startMs = Date.now() - t;

    // Without its DNS updater Samba leaves out the DC's ldap/ service principals, which a
    // Kerberos bind asks the KDC for: samba_spnupdate adds them (as the DNS updater would).
    t = Date.now();
    await run('samba_spnupdate', ['-s', smbConf], env);
    const spnMs = Date.now() - t;

    const started = daemon;
    let stopping: Promise<void> | undefined;
    const directory: SambaDirectory = {
      host: HOST,
      ldapsUrl: `ldaps://${HOST}:${LDAPS_PORT}`,
      ldapUrl: `ldap://${HOST}:${LDAP_PORT}`,
      caFile: ca.certFile,
      baseDn: BASE_DN,
      bindDn: SERVICE_ACCOUNT.userPrincipalName,
      bindPassword: SERVICE_PASSWORD,
      adminDn: `CN=Administrator,CN=Users,${BASE_DN}`,
      adminPassword: ADMIN_PASSWORD,
      dcHostname: DC_HOSTNAME,
      realm: REALM,
      smbConf,
      timings: { provisionMs, loadMs, startMs, spnMs },
      pids() {
        const pid = started.process.pid;
        return pid && alive(pid) ? [pid, ...descendants(pid)] : [];
      },
      stop() {
        stopping ??= (async () => {
          forget();
          const pid = started.process.pid;
          const tree = pid && alive(pid) ? [pid, ...descendants(pid)] : [];
          await started.stop();
          await reap(tree, 5000); // the prefork workers go a moment after the master
          await waitForPortsClosed(5000);
          removeDir(dir);
          if (running && (await running.catch(() => undefined)) === directory) running = undefined;
        })();
        return stopping;
      },
    };
    return directory;
  } catch (error) {
    forget();
    if (daemon) killTreeNow(daemon);
    removeDir(dir);
    throw error;
  }
}
