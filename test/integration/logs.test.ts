// What an operator (or a log collector) gets from a run: JSON lines that all parse, a log file
// that is appended to, --quiet, a progress line only on a terminal, and a JSON report from every
// run that talks to the directory or the service, written on success and on failure alike.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { duplicates, rowsExpected, skippedInvalidEmail, skippedNoEmail } from '../harness/ad-fixture.js';
import { CLI, runRoster, workspace } from '../harness/cli.js';
import { useSamba } from '../harness/sambaSuite.js';
import { BIND_ENV, rosterIn, SECRET_ENV, startSandbox, syncConfig } from '../harness/syncSetup.js';
import { DEFAULT_CLIENT_SECRET, type IlobbySandbox } from '../sandbox/ilobby.js';

type LogLine = { time: string; level: string; message: string; [field: string]: unknown };

/** Every non-empty line must be one JSON object with time, level and message. */
function jsonLines(text: string, where: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        throw new Error(`${where}: not JSON: ${line}`);
      }
      expect(Object.keys(parsed).slice(0, 3), `${where}: ${line}`).to.deep.equal(['time', 'level', 'message']);
      expect(Number.isNaN(Date.parse(parsed.time)), where).to.equal(false);
      return parsed;
    });
}

describe('logs and run reports', function () {
  let service: IlobbySandbox;
  const ad = useSamba();
  before(async () => {
    service = await startSandbox();
  });
  after(async () => service?.stop());

  describe('--log-format json', () => {
    async function jsonRun(args: string[], env: NodeJS.ProcessEnv = {}, config: unknown = syncConfig(ad(), service)) {
      const dir = workspace({ 'config.json': config });
      const run = await rosterIn(ad(), dir, [...args, '--log-format', 'json', '--log-file', 'roster.log'], env);
      const file = join(dir, 'roster.log');
      return {
        run,
        stdout: jsonLines(run.stdout, 'stdout'),
        stderr: jsonLines(run.stderr, 'stderr'),
        file: existsSync(file) ? jsonLines(readFileSync(file, 'utf8'), 'log file') : [],
      };
    }

    it('export --verbose: every line on stdout, stderr and in the log file parses; the result carries the counts', async () => {
      const { run, stdout, stderr, file } = await jsonRun(['export', '--verbose']);
      expect(run.code, run.all).to.equal(0);
      expect(stdout.map((l) => l.level)).to.deep.equal(['result']);
      expect(stdout[0]).to.deep.include({ command: 'export', rowsWritten: rowsExpected });
      expect(stderr.map((l) => l.level)).to.include('debug');
      expect(file.map((l) => l.message)).to.deep.equal([...stderr, ...stdout].map((l) => l.message));
    });

    it('a sync that uploads, and one whose token is refused: every line parses, errors carry exit code and kind', async () => {
      const ok = await jsonRun(['sync', '--first-push']);
      expect(ok.run.code, ok.run.all).to.equal(0);
      expect(ok.stdout.at(-1)).to.deep.include({ level: 'result', command: 'sync', exitCode: 0 });
      const refused = await jsonRun(['sync', '--first-push'], { [SECRET_ENV]: 'wrong-secret-value' });
      expect(refused.run.code).to.equal(5);
      const error = refused.stderr.find((l) => l.level === 'error')!;
      expect(error).to.deep.include({ exitCode: 5, kind: 'CredentialsRejectedError' });
      expect(refused.run.all + JSON.stringify(refused.file)).not.to.include('wrong-secret-value');
    });

    it('check, a failed bind and a usage error: still one JSON object per line', async () => {
      const check = await jsonRun(['check']);
      expect(check.run.code, check.run.all).to.equal(0);
      expect(check.stdout.filter((l) => l.check === 'token').map((l) => l.status)).to.deep.equal(['pass']);
      const bind = await jsonRun(['export'], { [BIND_ENV]: 'Wrong-Passw0rd-1' });
      expect(bind.run.code).to.equal(3);
      expect(bind.stderr.at(-1)).to.deep.include({ level: 'error', exitCode: 3, kind: 'DirectoryError' });
      const usage = await jsonRun(['export', '--no-such-option']);
      expect(usage.run.code).to.equal(2);
      expect(usage.stderr).to.have.length(1);
      expect(usage.stderr[0]!.message).to.match(/Unknown argument/);
    });
  });

  it("--log-file appends: a second run adds its lines after the first run's", async () => {
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    writeFileSync(join(dir, 'roster.log'), 'an older line\n');
    for (let i = 0; i < 2; i++) expect((await rosterIn(ad(), dir, ['export', '--log-file', 'roster.log'])).code).to.equal(0);
    const lines = readFileSync(join(dir, 'roster.log'), 'utf8').split('\n');
    expect(lines[0]).to.equal('an older line');
    expect(lines.filter((line) => / RESULT entries found: /.test(line))).to.have.length(2);
    // Every line of a multi-line entry (the result's summary, the fill table) carries the time and level.
    expect(lines.filter((line) => / RESULT rows with a value, per column/.test(line))).to.have.length(2);
    expect(lines.slice(1, -1).filter((line) => !/^\d{4}-\d\d-\d\dT[\d:.]+Z (DEBUG|INFO|WARN|ERROR|RESULT) /.test(line))).to.deep.equal([]);
  });

  it('--quiet leaves only the result; without a terminal there is no progress line', async () => {
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    const quiet = await rosterIn(ad(), dir, ['export', '--quiet']);
    expect(quiet.code, quiet.all).to.equal(0);
    expect(quiet.stderr).to.equal('');
    expect(quiet.stdout).to.include(`rows written:  ${rowsExpected}`);
    const normal = await rosterIn(ad(), dir, ['export', '--verbose']);
    // eslint-disable-next-line no-control-regex -- no carriage return or escape sequence may reach a log
    expect(normal.all).not.to.match(/\r|\x1b/);
    expect(normal.all).not.to.match(/entries, \d+ pages/); // the progress text
  });

  it('on a terminal the progress line shows, is erased, and leaves no trace on the screen', function () {
    if (!existsSync('/usr/bin/script')) this.skip(); // util-linux script(1) gives the run a terminal
    const dir = workspace({ 'config.json': syncConfig(ad(), service) });
    const command = `cd '${dir}' && '${process.execPath}' '${CLI}' export --config config.json 2>&1`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, [BIND_ENV]: ad().bindPassword },
      timeout: 60_000,
    });
    expect(result.status, result.stdout).to.equal(0);
    const screen = result.stdout;
    // eslint-disable-next-line no-control-regex -- the terminal's erase-line sequence is what is checked
    expect(screen).to.match(/\r\x1b\[KOU=Staff,DC=corp,DC=example,DC=com: \d+ entries, 1 pages/);
    // What the terminal finally shows: apply each "\r erase-line" to the text before it.
    const shown = screen.split('\n').map((line) => line.split('\r\x1b[K').at(-1)!.replace(/\r$/, ''));
    expect(shown.join('\n')).not.to.match(/entries, \d+ pages/);
    expect(shown).to.include(`rows written:  ${rowsExpected}`);
  });

  describe('--report', () => {
    type Report = { command: string; exitCode: number; durationMs: number; error?: string; [key: string]: unknown };
    const readReport = (dir: string, name = 'report.json') => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Report;
    const stateReports = (dir: string) => (existsSync(join(dir, 'state', 'reports')) ? readdirSync(join(dir, 'state', 'reports')) : []);

    it('export: counts, skipped by reason, changes and duration on success; the error and exit code on failure', async () => {
      const dir = workspace({ 'config.json': syncConfig(ad(), service) });
      expect((await rosterIn(ad(), dir, ['export', '--report', 'report.json'])).code).to.equal(0);
      const report = readReport(dir);
      expect(report).to.deep.include({ command: 'export', exitCode: 0, rowsWritten: rowsExpected });
      expect(report.skipped).to.deep.equal({ noEmail: skippedNoEmail, invalidEmail: skippedInvalidEmail, duplicateEmail: duplicates, notAllowed: 0 });
      expect(report.changes).to.deep.equal([{ target: 'ilobby', rows: rowsExpected, previousRows: null, added: rowsExpected, changed: 0, disabled: null }]);
      expect(report.durationMs).to.be.a('number');
      expect(stateReports(dir).filter((f) => f.endsWith('-export.json'))).to.have.length(1);

      const failed = await rosterIn(ad(), dir, ['export', '--report', 'failed.json'], { [BIND_ENV]: 'Wrong-Passw0rd-2' });
      expect(failed.code).to.equal(3);
      const failure = readReport(dir, 'failed.json');
      expect(failure).to.deep.include({ command: 'export', exitCode: 3 });
      expect(failure.error).to.match(/bind to .* failed: invalid credentials/);
      expect(stateReports(dir).filter((f) => f.endsWith('-export.json'))).to.have.length(2);
      expect(readFileSync(join(dir, 'failed.json'), 'utf8')).not.to.include('Wrong-Passw0rd-2');
    });

    it('sync: target results on success and when the service refuses the token', async () => {
      const dir = workspace({ 'config.json': syncConfig(ad(), service) });
      expect((await rosterIn(ad(), dir, ['sync', '--first-push', '--report', 'ok.json'])).code).to.equal(0);
      expect(readReport(dir, 'ok.json').targets).to.deep.equal([
        {
          ...(readReport(dir, 'ok.json').targets as Record<string, unknown>[])[0],
          target: 'ilobby',
          outcome: 'uploaded',
          exitCode: 0,
          rows: rowsExpected,
          added: rowsExpected,
          changed: 0,
          disabled: null, // a first push cannot know how many it disables
          firstPush: true,
        },
      ]);
      expect((await rosterIn(ad(), dir, ['sync', '--first-push', '--report', 'refused.json'], { [SECRET_ENV]: 'nope-not-it' })).code).to.equal(5);
      const refused = readReport(dir, 'refused.json');
      expect(refused.exitCode).to.equal(5);
      expect((refused.targets as { outcome: string; exitCode: number }[]).map((t) => [t.outcome, t.exitCode])).to.deep.equal([['failed', 5]]);
      expect(JSON.stringify(refused)).not.to.include(DEFAULT_CLIENT_SECRET);
    });

    it('upload and a config that cannot be read: the report is written even then', async () => {
      const dir = workspace({ 'config.json': syncConfig(ad(), service), 'hr.csv': 'not,the,header\n' });
      expect((await rosterIn(ad(), dir, ['upload', 'hr.csv', '--report', 'upload.json'])).code).to.equal(2);
      expect(readReport(dir, 'upload.json')).to.deep.include({ command: 'upload', exitCode: 2 });
      const broken = workspace({ 'config.json': '{ "directory": ' });
      const run = await runRoster(['check', '--config', join(broken, 'config.json'), '--report', join(broken, 'check.json')]);
      expect(run.code).to.equal(2);
      const report = readReport(broken, 'check.json');
      expect(report).to.deep.include({ command: 'check', exitCode: 2 });
      expect((report.steps as { step: string; status: string }[]).map((s) => `${s.status} ${s.step}`)).to.deep.equal(['fail config']);
    });
  });
});
