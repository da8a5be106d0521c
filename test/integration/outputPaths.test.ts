// Output paths an operator names (--out, --diff-out, --report, --log-file) are written, never
// replaced: a symlink's target is written and the link stays; a FIFO or a character device
// (/dev/null, /dev/full, the process's own stdout) is written in place and stays what it was;
// a folder or a socket is refused (exit 2) before anything is read. The device nodes are made in a
// temp folder (mknod, as root), so a regression cannot replace the machine's own /dev entries.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { parse } from 'csv-parse/sync';
import { join } from 'node:path';
import { runRoster, workspace } from '../harness/cli.js';
import { closedPort } from '../harness/notifyReceivers.js';
import { requireBinary } from '../harness/daemon.js';
import { FIELD_MAPPING, SERVICE_BIND_PASSWORD } from '../harness/ldap-fixture.js';
import { slapdDirectoryConfig, startSlapd, type SlapdDirectory } from '../harness/slapd.js';

const BIND_ENV = 'ROSTER_TEST_BIND';
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('output paths are written, not replaced', function () {
  before(function () {
    if (process.platform === 'win32') this.skip();
  });

  /** A config whose directory is a closed port: the run fails (exit 3) but writes its report and log. */
  const unreachable = async () =>
    workspace({
      'config.json': {
        directory: { url: `ldap://127.0.0.1:${await closedPort()}`, bindDn: 'cn=x', bindPasswordEnv: BIND_ENV, searchBases: ['dc=x'] },
      },
    });
  const exportIn = (dir: string, args: string[]) =>
    runRoster(['export', '--config', join(dir, 'config.json'), ...args], { cwd: dir, env: { [BIND_ENV]: 'x' } });

  it('a symlink is followed: its target gets the report and the log, the link stays a link', async () => {
    const dir = await unreachable();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'report.json'), 'old');
    symlinkSync(join(dir, 'real', 'report.json'), join(dir, 'report-link.json'));
    // A dangling link: its target is created, owner-only.
    symlinkSync('real/roster.log', join(dir, 'log-link'));
    const run = await exportIn(dir, ['--report', join(dir, 'report-link.json'), '--log-file', join(dir, 'log-link')]);
    expect(run.code, run.all).to.equal(3);
    expect(lstatSync(join(dir, 'report-link.json')).isSymbolicLink()).to.equal(true);
    expect(readlinkSync(join(dir, 'report-link.json'))).to.equal(join(dir, 'real', 'report.json'));
    expect(JSON.parse(readFileSync(join(dir, 'real', 'report.json'), 'utf8'))).to.deep.include({ command: 'export', exitCode: 3 });
    expect(lstatSync(join(dir, 'log-link')).isSymbolicLink()).to.equal(true);
    expect(readFileSync(join(dir, 'real', 'roster.log'), 'utf8')).to.match(/ ERROR cannot reach ldap:/);
    expect(modeOf(join(dir, 'real', 'roster.log'))).to.equal('600');
  });

  it("a link to the process's own stdout (/dev/stdout) writes the report there, in place", async () => {
    const dir = await unreachable();
    symlinkSync('/proc/self/fd/1', join(dir, 'stdout'));
    const run = await exportIn(dir, ['--report', join(dir, 'stdout')]);
    expect(run.code, run.all).to.equal(3);
    expect(lstatSync(join(dir, 'stdout')).isSymbolicLink()).to.equal(true);
    expect(run.stdout).to.include('"command": "export"');
    expect(run.stdout).to.include('"exitCode": 3');
  });

  it('character devices stay devices: /dev/null swallows the report, /dev/full fails it with a warning and the exit code stands', async function () {
    if (process.getuid?.() !== 0) this.skip(); // mknod needs root
    const dir = await unreachable();
    const made = spawnSync('mknod', [join(dir, 'null'), 'c', '1', '3']).status === 0 && spawnSync('mknod', [join(dir, 'full'), 'c', '1', '7']).status === 0;
    if (!made) this.skip();
    const toNull = await exportIn(dir, ['--report', join(dir, 'null'), '--log-file', join(dir, 'null')]);
    expect(toNull.code, toNull.all).to.equal(3);
    expect(statSync(join(dir, 'null')).isCharacterDevice()).to.equal(true);
    expect(toNull.stderr).not.to.include('could not write the run report');
    const toFull = await exportIn(dir, ['--report', join(dir, 'full')]);
    expect(toFull.code, toFull.all).to.equal(3);
    expect(statSync(join(dir, 'full')).isCharacterDevice(), 'the device node is still there').to.equal(true);
    expect(toFull.stderr).to.include(`warn: could not write the run report ${join(dir, 'full')} (--report): ENOSPC`);
  });

  it('a folder or a socket is refused (exit 2) before the directory is read; a FIFO nobody reads is refused, not waited on', async () => {
    const dir = await unreachable();
    mkdirSync(join(dir, 'a-folder'));
    const folder = await exportIn(dir, ['--report', join(dir, 'a-folder')]);
    expect(folder.code, folder.all).to.equal(2);
    expect(folder.stderr).to.include(`--report ${join(dir, 'a-folder')} is a folder`);
    expect(folder.stderr, 'nothing was read').not.to.include('cannot reach');
    const logFolder = await exportIn(dir, ['--log-file', join(dir, 'a-folder')]);
    expect(logFolder.code, logFolder.all).to.equal(2);
    expect(logFolder.stderr).to.include(`--log-file ${join(dir, 'a-folder')} is a folder`);

    const socketPath = join(dir, 'a-socket');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const socket = await exportIn(dir, ['--out', socketPath]);
      expect(socket.code, socket.all).to.equal(2);
      expect(socket.stderr).to.include(`--out ${socketPath} is a socket`);
      expect(lstatSync(socketPath).isSocket()).to.equal(true);
    } finally {
      server.close();
    }

    spawnSync('mkfifo', [join(dir, 'nobody-reads')]);
    const started = Date.now();
    const fifo = await exportIn(dir, ['--log-file', join(dir, 'nobody-reads')]);
    expect(fifo.code, fifo.all).to.equal(2);
    expect(fifo.stderr).to.include('is a FIFO that no process is reading');
    expect(Date.now() - started).to.be.below(30_000);
    expect(lstatSync(join(dir, 'nobody-reads')).isFIFO()).to.equal(true);
  });

  describe('with a directory to export', () => {
    let ldap: SlapdDirectory;
    before(async function () {
      requireBinary(this, '/usr/sbin/slapd', 'slapd ldap-utils');
      ldap = await startSlapd();
    });
    after(async () => ldap?.stop());

    const ldapWorkspace = () => {
      const dir = workspace({
        'config.json': {
          directory: slapdDirectoryConfig(ldap, BIND_ENV),
          fields: 'fields.json',
          csv: { path: 'people.csv' },
        },
        'fields.json': FIELD_MAPPING,
      });
      return dir;
    };
    const exportFrom = (dir: string, args: string[]) =>
      runRoster(['export', '--config', join(dir, 'config.json'), ...args], { cwd: dir, env: { [BIND_ENV]: SERVICE_BIND_PASSWORD } });

    it('--out through a symlink writes its target (mode kept), --diff-out to a FIFO reaches the reader, and both stay what they were', async () => {
      const dir = ldapWorkspace();
      mkdirSync(join(dir, 'share'));
      writeFileSync(join(dir, 'share', 'people.csv'), 'old\n', { mode: 0o400 });
      symlinkSync(join(dir, 'share', 'people.csv'), join(dir, 'out.csv'));
      spawnSync('mkfifo', [join(dir, 'changes.fifo')]);
      // A reader of the FIFO, as `roster export --diff-out >(sort)` has.
      const reader = spawn('cat', [join(dir, 'changes.fifo')], { stdio: ['ignore', 'pipe', 'inherit'] });
      let received = '';
      reader.stdout.on('data', (chunk: Buffer) => (received += chunk.toString()));
      // A regression that replaced the FIFO would leave cat waiting for ever: it is stopped, and the test fails.
      const stopReader = setTimeout(() => reader.kill(), 60_000);
      const readerDone = new Promise((resolve) => reader.on('close', resolve)).finally(() => clearTimeout(stopReader));
      await new Promise((resolve) => setTimeout(resolve, 200)); // let cat open its end
      const run = await exportFrom(dir, ['--out', join(dir, 'out.csv'), '--diff-out', join(dir, 'changes.fifo')]);
      await readerDone;
      expect(run.code, run.all).to.equal(0);
      expect(lstatSync(join(dir, 'out.csv')).isSymbolicLink()).to.equal(true);
      const csv = readFileSync(join(dir, 'share', 'people.csv'), 'utf8');
      expect(csv).to.match(/^FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE\n/);
      expect(modeOf(join(dir, 'share', 'people.csv')), "the admin's tighter mode is kept").to.equal('400');
      expect(lstatSync(join(dir, 'changes.fifo')).isFIFO()).to.equal(true);
      expect(received).to.match(/^target,change,EMAIL,/);
      const rows = parse<Record<string, string>>(csv, { columns: true });
      const changes = parse<Record<string, string>>(received, { columns: true });
      expect(changes.map((change) => [change.change, change.EMAIL])).to.deep.equal(rows.map((row) => ['added', row.EMAIL]));
    });
  });
});
