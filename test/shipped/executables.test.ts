// The single executables (npm run package) as shipped: the sums file is right, the Linux one runs
// with no environment at all, and the Windows one runs under Wine: --version, init, check, export
// against Samba (Windows paths in config.json) and schedule --windows. .ci/run runs this suite
// after packaging; the export and sync suites run the Linux executable too (ROSTER_BIN).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_VERSION } from '../../build/nodeBinaries.js';
import { STAFF_DN } from '../harness/ad-fixture.js';
import { requireBinary } from '../harness/daemon.js';
import { KERBEROS_PACKAGES, KINIT, kerberosFor, type KerberosSetup } from '../harness/kerberos.js';
import { useSamba } from '../harness/sambaSuite.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const packaged = join(root, 'dist', 'package');
const linux = join(packaged, `roster-${version}-linux-x64`);
const windows = join(packaged, `roster-${version}-win-x64.exe`);
const expectedCsv = readFileSync(join(root, 'fixtures', 'ad-expected.csv'), 'utf8');
const BIND_ENV = 'ROSTER_TEST_BIND_PASSWORD';

/** The folders of extracted addons (platform/nativeAddon.ts) under a Wine prefix: %LOCALAPPDATA%\\roster of each user. */
function wineAddonFolders(prefix: string): string[] {
  const users = join(prefix, 'drive_c', 'users');
  return existsSync(users)
    ? readdirSync(users)
        .map((user) => join(users, user, 'AppData', 'Local', 'roster'))
        .filter((folder) => existsSync(folder))
    : [];
}

/** The path Wine's Z: drive (the whole Linux file system) gives a file. */
const windowsPath = (path: string) => `Z:${path.replace(/\//g, '\\')}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** node.exe under Wine needs stdout to be a file or a terminal, not a pipe: both go to files. */
function wine(prefix: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const out = mkdtempSync(join(tmpdir(), 'roster-wine-out-'));
  const [stdout, stderr] = [join(out, 'stdout'), join(out, 'stderr')].map((file) => openSync(file, 'w'));
  const run = spawnSync('wine', [windows, ...args], {
    stdio: ['ignore', stdout, stderr],
    timeout: 240_000,
    // A new prefix looks like Windows 7, which Node.js refuses to start on without this.
    env: { PATH: '/usr/bin:/bin', HOME: prefix, WINEPREFIX: prefix, WINEDEBUG: '-all', NODE_SKIP_PLATFORM_CHECK: '1', ...env },
  });
  closeSync(stdout!);
  closeSync(stderr!);
  return { code: run.status, stdout: readFileSync(join(out, 'stdout'), 'utf8'), stderr: readFileSync(join(out, 'stderr'), 'utf8') };
}

function requirePackaged(ctx: Mocha.Context): void {
  if (existsSync(linux) && existsSync(windows)) return;
  const message = `${packaged} holds no executables for ${version}: run npm run package`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${message}`);
  console.warn(`skipping: ${message}`);
  ctx.skip();
}

describe('the single executables, as shipped', function () {
  this.timeout(300_000);
  before(function () {
    requirePackaged(this);
  });

  it('are listed in the sums file with their SHA-256, as sha256sum -c reads it', () => {
    const sums = readFileSync(join(packaged, `roster-${version}-SHA256SUMS`), 'utf8');
    const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(sums).to.equal(`${sha256(linux)}  roster-${version}-linux-x64\n${sha256(windows)}  roster-${version}-win-x64.exe\n`);
  });

  it('Linux: --version names roster, its Node.js and the platform, with no environment (env -i)', () => {
    const run = spawnSync(linux, ['--version'], { encoding: 'utf8', env: {} });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.equal(`${version} (Node.js v${NODE_VERSION}, linux-x64)\n`);
  });

  describe('Linux, Kerberos (koffi and its addon inside)', () => {
    const ad = useSamba();
    let krb: KerberosSetup;
    before(async function () {
      requireBinary(this, KINIT, KERBEROS_PACKAGES);
      krb = await kerberosFor(ad());
    });

    it("a simple bind never extracts or loads the addon; a Kerberos bind from a keytab writes the simple bind's rows", () => {
      const dir = mkdtempSync(join(tmpdir(), 'roster-sea-krb-'));
      const cache = join(dir, 'cache');
      const write = (name: string, directory: Record<string, unknown>) => {
        writeFileSync(
          join(dir, name),
          JSON.stringify({ directory: { url: ad().ldapsUrl, caFile: ad().caFile, searchBases: [STAFF_DN], ...directory }, csv: { path: `${name}.csv` } }),
        );
        return join(dir, name);
      };
      const simple = write('simple.json', { bindDn: ad().bindDn, bindPasswordEnv: BIND_ENV });
      const kerberos = write('kerberos.json', { auth: 'kerberos', kerberos: { keytabFile: krb.keytab, spn: krb.spn } });
      const env = { ...krb.env, XDG_CACHE_HOME: cache };
      for (const args of [['--version'], ['export', '--config', simple]]) {
        const run = spawnSync(linux, args, { encoding: 'utf8', env: { ...env, [BIND_ENV]: ad().bindPassword } });
        expect(run.status, run.stderr).to.equal(0);
      }
      expect(existsSync(cache), 'the addon folder after simple runs').to.equal(false);
      for (let time = 1; time <= 2; time++) {
        const run = spawnSync(linux, ['export', '--config', kerberos], { encoding: 'utf8', env });
        expect(run.status, run.stdout + run.stderr).to.equal(0);
        expect(run.stderr).to.include(`Kerberos bind (GSS-SPNEGO) as ${krb.principal}`);
      }
      expect(readFileSync(join(dir, 'kerberos.json.csv'), 'utf8')).to.equal(readFileSync(join(dir, 'simple.json.csv'), 'utf8'));
      expect(readFileSync(join(dir, 'kerberos.json.csv'), 'utf8')).to.equal(expectedCsv);
      // Written once, under its content hash, and reused by the second run.
      expect(readdirSync(join(cache, 'roster', 'addons'))).to.match(/^koffi-[0-9a-f]{16}\.node$/);
    });
  });

  describe('Windows, under Wine', () => {
    const ad = useSamba();
    let prefix: string;
    let work: string;
    before(function () {
      requireBinary(this, '/usr/bin/wine', 'wine64 wine');
      prefix = mkdtempSync(join(tmpdir(), 'roster-wineprefix-'));
      work = mkdtempSync(join(tmpdir(), 'roster-wine-'));
    });

    it('--version names roster, its Node.js and win32-x64', () => {
      const run = wine(prefix, ['--version']);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout.trim()).to.equal(`${version} (Node.js v${NODE_VERSION}, win32-x64)`);
    });

    it('init writes the starter files, and the schemas they point at beside them', () => {
      const dir = join(work, 'starter');
      const run = wine(prefix, ['init', '--dir', windowsPath(dir)]);
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { $schema: string };
      expect(config.$schema.toLowerCase()).to.equal(`file:///z:${dir}/config.schema.json`.toLowerCase());
      expect(readFileSync(join(dir, 'config.schema.json'), 'utf8')).to.equal(readFileSync(join(root, 'schema', 'config.schema.json'), 'utf8'));
      expect(readFileSync(join(dir, 'fields.schema.json'), 'utf8')).to.equal(readFileSync(join(root, 'schema', 'fields.schema.json'), 'utf8'));
    });

    it("check and export against Samba, with Windows paths in config.json: the CSV has the Linux executable's bytes", () => {
      const [onWindows, onLinux] = ['windows', 'linux'].map((name) => join(work, name));
      const config = (dir: string, path: (file: string) => string) => ({
        directory: { url: ad().ldapsUrl, caFile: path(ad().caFile), bindDn: ad().bindDn, bindPasswordEnv: BIND_ENV, searchBases: [STAFF_DN] },
        stateDir: path(join(dir, 'state')),
      });
      for (const dir of [onWindows!, onLinux!]) mkdirSync(dir);
      writeFileSync(join(onWindows!, 'config.json'), JSON.stringify(config(onWindows!, windowsPath), null, 2));
      writeFileSync(
        join(onLinux!, 'config.json'),
        JSON.stringify(
          config(onLinux!, (file) => file),
          null,
          2,
        ),
      );
      const env = { [BIND_ENV]: ad().bindPassword };

      const check = wine(prefix, ['check', '--config', windowsPath(join(onWindows!, 'config.json'))], env);
      expect(check.code, check.stdout + check.stderr).to.equal(0);
      const exported = wine(prefix, ['export', '--config', windowsPath(join(onWindows!, 'config.json'))], env);
      expect(exported.code, exported.stdout + exported.stderr).to.equal(0);
      const linuxRun = spawnSync(linux, ['export', '--config', join(onLinux!, 'config.json')], { encoding: 'utf8', env });
      expect(linuxRun.status, linuxRun.stderr).to.equal(0);

      const csv = readFileSync(join(onWindows!, 'adextract.csv'));
      expect(csv.equals(readFileSync(join(onLinux!, 'adextract.csv')))).to.equal(true);
      expect(csv.toString('utf8')).to.equal(expectedCsv);
    });

    it("a Kerberos bind through SSPI's Kerberos package (GSSAPI) after a host kinit: the same rows; the addon only now extracted", async function () {
      requireBinary(this, KINIT, KERBEROS_PACKAGES);
      // The runs above bound with a password: none of them wrote koffi's addon out.
      expect(wineAddonFolders(prefix)).to.deep.equal([]);
      const krb = await kerberosFor(ad());
      const cache = await krb.kinit();
      const dir = join(work, 'kerberos');
      mkdirSync(dir);
      const config = {
        directory: {
          url: ad().ldapsUrl,
          caFile: windowsPath(ad().caFile),
          auth: 'kerberos',
          kerberos: { mechanism: 'GSSAPI', spn: krb.spn },
          searchBases: [STAFF_DN],
        },
        stateDir: windowsPath(join(dir, 'state')),
      };
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      // Wine's Kerberos package is MIT underneath: it reads the host's krb5.conf and ticket cache.
      const exported = wine(prefix, ['export', '--config', windowsPath(join(dir, 'config.json'))], { KRB5_CONFIG: krb.krb5Conf, KRB5CCNAME: cache });
      expect(exported.code, exported.stdout + exported.stderr).to.equal(0);
      expect(exported.stderr).to.match(
        /Kerberos bind \(GSSAPI\) as .* in \d+ ms; service principal ldap\/dc1\.corp\.example\.com, credentials from the account roster runs as/,
      );
      expect(readFileSync(join(dir, 'adextract.csv'), 'utf8')).to.equal(expectedCsv);
      expect(wineAddonFolders(prefix)).to.have.length(1);
    });

    it('schedule --windows writes a task that runs the executable itself', () => {
      const dir = join(work, 'schedule');
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({
          directory: { url: ad().ldapsUrl, caFile: windowsPath(ad().caFile), bindDn: ad().bindDn, bindPasswordEnv: BIND_ENV, searchBases: [STAFF_DN] },
          ilobby: {
            tokenUrl: 'https://ilobby.example/oauth/token',
            uploadUrl: 'https://ilobby.example/upload',
            clientId: 'roster-test',
            clientSecretEnv: 'ROSTER_TEST_CLIENT_SECRET',
          },
        }),
      );
      const run = wine(prefix, ['schedule', '--windows', '--user', 'CORP\\svc-roster', '--config', windowsPath(join(dir, 'config.json'))]);
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.match(/<Command>"?Z:\\.*\\roster-[^\\]*-win-x64\.exe"?<\/Command>/);
      expect(run.stdout).to.include(`<Arguments>sync --config ${windowsPath(join(dir, 'config.json'))}`);
      // Once: argv[1] of a single executable repeats its own path, which must not become an argument.
      expect(run.stdout.match(/roster-[^\\]*-win-x64\.exe/g)).to.have.length(1);
    });
  });
});
