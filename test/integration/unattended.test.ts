// What an unattended run reports when the machine around it misbehaves: a state folder that
// cannot be written after the upload went through (exit 8, whatever else then fails), a CSV
// file rewritten by another process during the push, state-folder faults (exit 2), a stale lock
// whose pid was reused, a --diff-out that fails after a push, and signals (130/143). Each ends
// with an exit code, log and report that say what really happened.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { workspace } from '../harness/cli.js';
import { freezeFolder } from '../harness/readOnly.js';
import { useSamba } from '../harness/sambaSuite.js';
import { expectedCsv, expectedRecords, rosterIn, syncConfig, useSandboxes } from '../harness/syncSetup.js';

describe('unattended runs tell what happened', function () {
  const ad = useSamba();
  const sandbox = useSandboxes();
  const roster = (dir: string, args: string[], options: Parameters<typeof rosterIn>[4] = {}) => rosterIn(ad(), dir, args, {}, options);
  const stateOf = (dir: string) => join(dir, 'state', 'ilobby');
  const reports = (dir: string) =>
    readdirSync(join(dir, 'state', 'reports'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, 'state', 'reports', f), 'utf8')) as Record<string, unknown>);

  it('exit 8 when the upload went through but the state folder could not record it; the next run compares with what was sent', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    expect((await roster(dir, ['sync', '--first-push'])).code).to.equal(0);
    const lastPush = join(stateOf(dir), 'last-push.csv');
    const baseline = readFileSync(lastPush, 'utf8');
    // While the service takes the upload, last-push.csv becomes a folder roster cannot replace.
    service.afterNextUpload(() => {
      rmSync(lastPush);
      mkdirSync(join(lastPush, 'in-the-way'), { recursive: true });
    });
    const run = await roster(dir, ['sync']);
    expect(run.code, run.all).to.equal(8);
    expect(run.stderr).to.include('ilobby: the upload went through, but roster could not record it as the last push');
    expect(run.stdout).to.match(/ilobby: uploaded \d+ rows .*, but not recorded as the last push/);
    expect(service.uploads).to.have.length(2);
    const report = reports(dir).at(-1)!;
    expect(report).to.deep.include({ exitCode: 8 });
    expect((report.targets as Record<string, unknown>[])[0]).to.deep.include({ outcome: 'uploaded', recorded: false, exitCode: 8 });
    const pending = join(stateOf(dir), 'pending-push.csv');
    expect(readFileSync(pending, 'utf8')).to.equal(baseline); // the same people were sent again

    rmSync(lastPush, { recursive: true });
    const next = await roster(dir, ['sync']);
    expect(next.code, next.all).to.equal(0);
    expect(next.stderr).to.include(`ilobby: an earlier run's push was not recorded as settled; comparing with the file it sent, ${pending}`);
    expect(existsSync(pending)).to.equal(false);
    expect(readFileSync(lastPush, 'utf8')).to.equal(baseline);
  });

  it('a state folder turned read-only during the upload: exit 8, and the lock and report it cannot write are warnings', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    expect((await roster(dir, ['sync', '--first-push'])).code).to.equal(0);
    const state = join(dir, 'state');
    let thaw: (() => void) | undefined;
    service.afterNextUpload(() => {
      thaw = freezeFolder(state);
    });
    let run: Awaited<ReturnType<typeof roster>>;
    try {
      run = await roster(dir, ['sync', '--report', join(dir, 'report.json')]);
    } finally {
      thaw?.();
    }
    expect(run.code, run.all).to.equal(8);
    expect(run.stderr).to.include('ilobby: the upload went through, but roster could not record it as the last push');
    expect(run.stderr).to.match(/warn: could not remove the lock .*roster\.lock .*the next run takes it over/);
    expect(run.stderr).to.match(/warn: could not write the run report: cannot write the run report/);
    expect(run.all).not.to.include('bug in roster');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(report).to.include({ exitCode: 8 });
    // The next run takes the lock over and settles the push that was sent.
    const next = await roster(dir, ['sync']);
    expect(next.code, next.all).to.equal(0);
    expect(next.stderr).to.match(/taking over a stale lock .* \(no longer running\)/);
    expect(next.stderr).to.include("an earlier run's push was not recorded as settled");
  });

  it('uploads the rows the checks judged even when another process rewrites the CSV file during the push', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    const held = service.holdNextTokenRequest();
    const running = roster(dir, ['sync', '--first-push', '--report', join(dir, 'report.json')]);
    await held.arrived;
    // While roster waits for its token, a second job (another export, an editor) writes the same path.
    const partial = `${expectedCsv.split('\n').slice(0, 961).join('\n')}\n`;
    execFileSync(process.execPath, ['-e', `require('fs').writeFileSync(process.argv[1], process.argv[2])`, join(dir, 'adextract.csv'), partial]);
    expect(readFileSync(join(dir, 'adextract.csv'), 'utf8')).to.equal(partial);
    held.release();
    const run = await running;
    expect(run.code, run.all).to.equal(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { targets: Array<{ rows: number }> };
    expect(report.targets[0]!.rows).to.equal(expectedRecords.length);
    expect(run.stdout).to.include(`ilobby: uploaded ${expectedRecords.length} rows`);
    // What the service received is what roster reported and recorded, row for row.
    expect(service.uploads.map((upload) => upload.csv)).to.deep.equal([expectedCsv]);
    expect(readFileSync(join(stateOf(dir), 'last-push.csv'), 'utf8')).to.equal(expectedCsv);
    expect(service.addressBook().filter((person) => person.enabled)).to.have.length(expectedRecords.length);
  });

  it('state-folder faults exit 2 naming the path: stateDir is a file, last-push.csv is a folder', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service, {}, {}, { stateDir: 'not-a-folder' }), 'not-a-folder': 'a file' });
    const file = await roster(dir, ['sync', '--first-push']);
    expect(file.code, file.all).to.equal(2);
    expect(file.stderr).to.include(`cannot use the state folder ${join(dir, 'not-a-folder')}`);
    expect(file.stderr).to.include('stateDir in the config must be a folder');
    expect(file.stderr).not.to.include('    at ');

    const folder = workspace({ 'config.json': syncConfig(ad(), service) });
    mkdirSync(join(stateOf(folder), 'last-push.csv'), { recursive: true });
    const run = await roster(folder, ['sync']);
    expect(run.code, run.all).to.equal(2);
    expect(run.stderr).to.include(`cannot read ${join(stateOf(folder), 'last-push.csv')}: EISDIR`);
    expect(service.uploads).to.have.length(0);
  });

  it('takes over a lock whose pid is alive but which nobody has touched for longer than a run allows', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    mkdirSync(join(dir, 'state'), { recursive: true });
    const lock = join(dir, 'state', 'roster.lock');
    // The pid of a live process (this test's), as after a reboot that gave the old pid to another program.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const held = await roster(dir, ['sync', '--first-push']);
    expect(held.code, 'a lock touched just now is held').to.equal(7);
    const old = new Date(Date.now() - 20 * 60_000);
    utimesSync(lock, old, old);
    const run = await roster(dir, ['sync', '--first-push']);
    expect(run.code, run.all).to.equal(0);
    expect(run.stderr).to.match(new RegExp(`taking over a stale lock .* left by pid ${process.pid} on .*, not touched for 20 minutes`));
    expect(existsSync(lock)).to.equal(false);
  });

  it('a --diff-out that cannot be written after a push is a warning: the push stands (exit 0)', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    const run = await roster(dir, ['sync', '--first-push', '--diff-out', join(dir, 'no-such-folder', 'changes.csv')]);
    expect(run.code, run.all).to.equal(0);
    expect(run.stderr).to.match(/warn: .*no-such-folder.*\(the run's outcome stands/);
    expect(service.uploads).to.have.length(1);
    const dryRun = await roster(dir, ['sync', '--dry-run', '--diff-out', join(dir, 'no-such-folder', 'changes.csv')]);
    expect(dryRun.code, 'for a dry run the list is the point: exit 2').to.equal(2);
  });

  it('SIGTERM while the upload waits to retry: exit 143, the report says the upload had started, the lock is released', async () => {
    const service = await sandbox();
    service.failNextUploads(1, 503, 60);
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    let sent = false;
    const run = await roster(dir, ['sync', '--first-push'], {
      onOutput: (all, child) => {
        if (!sent && all.includes('trying again in')) {
          sent = true;
          child.kill('SIGTERM');
        }
      },
    });
    expect(run.code, run.all).to.equal(143);
    expect(run.stderr).to.include('interrupted by SIGTERM: the upload to ilobby had started: the service may have it');
    expect(reports(dir).at(-1)).to.deep.include({ exitCode: 143, errorKind: 'interrupted', uploadStarted: true });
    expect(existsSync(join(dir, 'state', 'roster.lock'))).to.equal(false);
    expect(existsSync(join(stateOf(dir), 'pending-push.csv'))).to.equal(true);
  });

  it('Ctrl-C (SIGINT) while the directory is read: exit 130, nothing was sent', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    let sent = false;
    const run = await roster(dir, ['sync', '--first-push', '--verbose'], {
      onOutput: (all, child) => {
        if (!sent && /debug: .*(bind|connect)/i.test(all)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(run.code, run.all).to.equal(130);
    expect(run.stderr).to.include('interrupted by SIGINT: no upload had started: nothing was sent');
    expect(reports(dir).at(-1)).to.deep.include({ exitCode: 130, uploadStarted: false });
    expect(existsSync(join(dir, 'state', 'roster.lock'))).to.equal(false);
    expect(service.uploads).to.have.length(0);
  });
});
