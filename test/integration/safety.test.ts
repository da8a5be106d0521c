// The safety rules of unattended runs, end to end: guards, retries, the lock and the state.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_DN, expectedExtract, MONTREAL_DN, TORONTO_DN } from '../harness/ad-fixture.js';
import { workspace } from '../harness/cli.js';
import { startFaultProxy } from '../harness/faultProxy.js';
import { useSamba } from '../harness/sambaSuite.js';
import { expectedCsv, expectedRecords, rosterIn, syncConfig, useSandboxes } from '../harness/syncSetup.js';
import type { IlobbySandbox } from '../sandbox/ilobby.js';

describe('safety of unattended runs', function () {
  const ad = useSamba();
  const sandbox = useSandboxes();
  const roster = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}) => rosterIn(ad(), dir, args, env);
  const setBases = (dir: string, service: IlobbySandbox, searchBases: string[]) => workspaceConfig(dir, syncConfig(ad(), service, { searchBases }));

  it('refuses a 50% shrink with exit 4, naming who would be disabled; --dry-run says the same; --force pushes', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    expect((await roster(dir, ['sync', '--first-push'])).code).to.equal(0);

    // An OU dropped from the config (or moved in AD): only Toronto is left.
    setBases(dir, service, [TORONTO_DN]);
    const refused = await roster(dir, ['sync']);
    expect(refused.code, refused.all).to.equal(4);
    const disabled = expectedRecords.length - expectedExtract({ bases: [TORONTO_DN] }).rows.length;
    const percent = ((disabled / expectedRecords.length) * 100).toFixed(1);
    expect(disabled).to.be.greaterThan(500);
    expect(refused.stderr).to.include(`ilobby: refused:\n  - ${disabled} people would be disabled, more than safety.maxDisableCount (500): `);
    expect(refused.stderr).to.include(
      `\n  - ${disabled} of the ${expectedRecords.length} people in the last push (${percent}%) would be disabled, more than safety.maxDisablePercent (10%)\n`,
    );
    expect(refused.stderr).to.include(`(${disabled - 10} more)`);
    expect(service.uploads).to.have.length(1);
    expect(service.tokenRequests).to.equal(1);
    expect(readFileSync(join(dir, 'state', 'ilobby', 'last-push.csv'), 'utf8')).to.equal(expectedCsv);

    const dryRun = await roster(dir, ['sync', '--dry-run']);
    expect(dryRun.code).to.equal(4);
    expect(service.uploads).to.have.length(1);

    const forced = await roster(dir, ['sync', '--force']);
    expect(forced.code, forced.all).to.equal(0);
    expect(forced.stderr).to.match(/--force overrides: \d+ of the 1166 people/);
    expect(service.uploads).to.have.length(2);
    const book = service.addressBook();
    expect(book.filter((p) => p.enabled).every((p) => p.site === 'Toronto')).to.equal(true);
    expect(book.filter((p) => !p.enabled).length).to.be.greaterThan(500);
  });

  it('refuses a first push without --first-push (exit 4, saying the service will disable everyone not in the file); --first-push pushes', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    for (const args of [['sync'], ['sync', '--dry-run'], ['sync', '--force']]) {
      const refused = await roster(dir, args);
      expect(refused.code, `${args.join(' ')}: ${refused.all}`).to.equal(4);
      expect(refused.stderr).to.include('ilobby: refused: this is the first push to ilobby from');
      expect(refused.stderr).to.include(
        'the service will disable every address-book entry it holds that is not in this push, and roster cannot know how many that is',
      );
      expect(refused.stderr).to.include('"roster sync --first-push"');
    }
    expect([service.tokenRequests, service.uploads.length]).to.deep.equal([0, 0]);

    const dryRun = await roster(dir, ['sync', '--dry-run', '--first-push', '--report', 'first.json']);
    expect(dryRun.code, dryRun.all).to.equal(0);
    expect(dryRun.stdout).to.include('first push (--first-push): there is no earlier push to compare with');
    const firstReport = JSON.parse(readFileSync(join(dir, 'first.json'), 'utf8')) as { targets: Record<string, unknown>[] };
    expect(firstReport.targets[0]).to.deep.include({ firstPush: true, outcome: 'dry-run' });
    const pushed = await roster(dir, ['sync', '--first-push']);
    expect(pushed.code, pushed.all).to.equal(0);
    expect(pushed.stderr).to.include('warn: ilobby: first push: there is no earlier push to compare with');
    expect(service.uploads).to.have.length(1);
    // The baseline exists now: the scheduled job needs no flag.
    expect((await roster(dir, ['sync'])).code).to.equal(0);
    expect(service.uploads).to.have.length(2);
  });

  it('refuses a mapping that moves TITLE to another attribute after a baseline (exit 4, naming TITLE with examples); --force pushes', async () => {
    const service = await sandbox();
    const fields = JSON.parse(readFileSync(join(process.cwd(), 'fields.config.json'), 'utf8')) as Record<string, unknown>;
    const dir = workspace({ 'config.json': { ...syncConfig(ad(), service), fields: 'fields.config.json' }, 'fields.config.json': fields });
    expect((await roster(dir, ['sync', '--first-push'])).code).to.equal(0);
    writeFileSync(join(dir, 'fields.config.json'), JSON.stringify({ ...fields, TITLE: 'department' }));

    const refused = await roster(dir, ['sync']);
    expect(refused.code, refused.all).to.equal(4);
    expect(refused.stderr).to.match(
      /ilobby: refused:\n {2}- \d+ of the \d+ people kept \(\d+\.\d%\) would have a column changed, more than safety\.maxChangePercent \(25%\): TITLE for \d+ \(e\.g\. [^:]+: "[^"]*" → "[^"]*"/,
    );
    expect(refused.stderr).to.include('run again with --dry-run --diff-out changes.csv');
    expect(refused.stdout).to.match(/^ilobby: refused, nothing sent: \d+ rows/m);
    expect(service.uploads).to.have.length(1);

    const forced = await roster(dir, ['sync', '--force']);
    expect(forced.code, forced.all).to.equal(0);
    expect(forced.stderr).to.include('--force overrides: ');
    expect(service.uploads).to.have.length(2);
  });

  it('a dry run within the limits sends nothing and exits 0', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service, { searchBases: [TORONTO_DN, MONTREAL_DN] }) });
    const run = await roster(dir, ['sync', '--first-push', '--dry-run']);
    expect(run.code, run.all).to.equal(0);
    expect(run.stdout).to.match(/ilobby: dry run, nothing sent: \d+ rows/);
    expect([service.tokenRequests, service.uploads.length]).to.deep.equal([0, 0]);
  });

  it('refuses an OU with no people with exit 4, even with --force', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service, { searchBases: [EMPTY_DN] }) });
    for (const args of [
      ['sync', '--first-push'],
      ['sync', '--first-push', '--force'],
    ]) {
      const run = await roster(dir, args);
      expect(run.code, run.all).to.equal(4);
      expect(run.stderr).to.include('the extract has no rows: pushing it would leave the service empty');
    }
    expect([service.tokenRequests, service.uploads.length]).to.deep.equal([0, 0]);
  });

  it('retries an upload answered 503 with Retry-After, and succeeds once', async () => {
    const service = await sandbox();
    service.failNextUploads(2, 503, 1);
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    const run = await roster(dir, ['sync', '--first-push']);
    expect(run.code, run.all).to.equal(0);
    expect(service.uploads.map((u) => u.status)).to.deep.equal([503, 503, 200]);
    expect(run.stderr).to.match(/upload to ilobby: attempt 1 failed \(HTTP 503 \(Retry-After 1 s\)\); trying again in 1\.0 s/);
    expect(service.addressBook()).to.have.length(expectedRecords.length);
  });

  it('does not retry a 4xx answer', async () => {
    const service = await sandbox();
    service.failNextUploads(1, 400);
    const run = await roster(workspace({ 'config.json': syncConfig(ad(), service) }), ['sync', '--first-push']);
    expect(run.code).to.equal(6);
    expect(run.stderr).to.match(/ilobby: the upload was refused with HTTP 400: \S/);
    expect(service.uploads.map((u) => u.status)).to.deep.equal([400]);
  });

  it('retries a token endpoint that is down, then exits 6 with the cause', async () => {
    const service = await sandbox();
    const dir = workspace({ 'config.json': syncConfig(ad(), service, {}, { tokenUrl: 'https://127.0.0.1:9/auth/connect/token' }) });
    const run = await roster(dir, ['sync', '--first-push']);
    expect(run.code, run.all).to.equal(6);
    expect(run.stderr).to.match(/token request for ilobby: attempt 1 failed/);
    expect(run.stderr).to.match(/attempt 4 failed/);
    expect(run.stderr).to.match(/ilobby: token request failed: https:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/);
    expect(service.uploads).to.have.length(0);
  });

  it('lets one run at a time hold the state folder: a second run exits 7 at once', async () => {
    const service = await sandbox();
    // The first run's directory goes silent mid-search, so it holds the lock for its timeout.
    const stall = await startFaultProxy({ targetHost: ad().host, targetPort: 636, cutAfterBytes: 100_000, cut: 'stall' });
    try {
      const dir = workspace({ 'config.json': syncConfig(ad(), service, { url: `ldaps://127.0.0.1:${stall.port}`, timeoutSeconds: 6 }) });
      const first = roster(dir, ['sync', '--first-push']);
      await waitFor(() => stall.cutAt !== undefined, 10_000);
      const started = Date.now();
      const second = await roster(dir, ['sync', '--first-push']);
      expect(second.code, second.all).to.equal(7);
      expect(second.stderr).to.match(/another roster run \(pid \d+ on .*\) holds the lock/);
      expect(Date.now() - started).to.be.lessThan(3000);
      expect((await first).code).to.equal(3);
      // The lock is released when the first run ends, whatever its outcome.
      const third = await roster(dir, ['sync', '--first-push', '--dry-run']);
      expect(third.code).to.not.equal(7);
    } finally {
      await stall.stop();
    }
  });

  it('takes over the lock of a run that was killed', async () => {
    const service = await sandbox();
    const stall = await startFaultProxy({ targetHost: ad().host, targetPort: 636, cutAfterBytes: 100_000, cut: 'stall' });
    try {
      const dir = workspace({ 'config.json': syncConfig(ad(), service, { url: `ldaps://127.0.0.1:${stall.port}`, timeoutSeconds: 60 }) });
      const child = spawn(
        process.execPath,
        [new URL('../../src/cli/main.js', import.meta.url).pathname, 'sync', '--first-push', '--config', join(dir, 'config.json')],
        {
          env: { ...process.env, ROSTER_TEST_BIND_PASSWORD: ad().bindPassword },
          stdio: 'ignore',
        },
      );
      await waitFor(() => stall.cutAt !== undefined, 10_000);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      // The killed run could not clean up: its lock file is left, naming it.
      const lockFile = join(dir, 'state', 'roster.lock');
      expect((JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid).to.equal(child.pid);
      workspaceConfig(dir, syncConfig(ad(), service));
      const run = await roster(dir, ['sync', '--first-push']);
      expect(run.code, run.all).to.equal(0);
      expect(run.stderr).to.include(`taking over a stale lock ${lockFile} left by pid ${child.pid} (no longer running)`);
      expect(existsSync(lockFile)).to.equal(false);
    } finally {
      await stall.stop();
    }
  });
});

/** Rewrites config.json in place: tests change a setting between runs. */
function workspaceConfig(dir: string, config: unknown): void {
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
