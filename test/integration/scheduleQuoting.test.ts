// Every command line `roster schedule` and `roster init` print for a person to paste is quoted for
// the shell it is meant for: a Command Prompt for schtasks and icacls, sh for cp, chmod, chown and
// crontab. An account with a space (CORP\svc roster) or a folder named "R&D roster's" arrives as one
// word. The sh lines are run through a real sh that prints the words it was given.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runRoster, workspace } from '../harness/cli.js';
import { awkwardConfig } from '../harness/scheduleSetup.js';

/** The folder every config here lives in: a quote, a $ and a space for sh, & and a space for a Command Prompt. */
const FOLDER = "R&D roster's $HOME";

/** The words sh makes of `command` (its program replaced by printf, a glob left unexpanded). */
function shWords(command: string): string[] {
  const [, args] = /^\S+ (.*)$/.exec(command)!;
  return execFileSync('sh', ['-fc', `printf '%s\\n' ${args}`], { encoding: 'utf8' })
    .split('\n')
    .slice(0, -1);
}

/** The text after `lead` on the line of `output` that has it, up to `end` (exclusive) if given. */
function after(output: string, lead: string, end?: string): string {
  const line = output.split('\n').find((l) => l.includes(lead));
  expect(line, `a line with "${lead}" in:\n${output}`).to.not.equal(undefined);
  const rest = line!.slice(line!.indexOf(lead) + lead.length);
  return end === undefined ? rest : rest.slice(0, rest.indexOf(end));
}

describe('printed command lines are quoted for their shell', () => {
  it('--windows: schtasks and icacls for a Command Prompt, with an account that has a space', async () => {
    const { dir, config } = awkwardConfig({}, FOLDER);
    const run = await runRoster(['schedule', '--windows', '--config', config, '--user', 'CORP\\svc roster', '--out-dir', join(dir, 'jobs')]);
    expect(run.code, run.all).to.equal(0);
    expect(run.stdout).to.include(
      `install (in a Command Prompt, as an administrator): schtasks /Create /TN "roster sync" /XML "${join(dir, 'jobs', 'roster-sync.xml')}" /RU "CORP\\svc roster" /RP *`,
    );
    expect(run.stdout).to.include(`icacls "${join(dir, 'secrets')}" /inheritance:r /grant:r "CORP\\svc roster:(OI)(CI)R" "BUILTIN\\Administrators:(OI)(CI)F"`);
    expect(run.stdout).to.include(`icacls "${dir}" /grant "CORP\\svc roster:(OI)(CI)M"`);
  });

  it('--systemd: the cp and chmod lines give sh exactly the paths', async () => {
    const { dir, config } = awkwardConfig({}, FOLDER);
    const run = await runRoster(['schedule', '--systemd', '--config', config, '--user', 'roster', '--out-dir', join(dir, 'jobs')]);
    expect(run.code, run.all).to.equal(0);
    expect(shWords(after(run.stdout, 'install (as root): ', ' && systemctl'))).to.deep.equal([
      join(dir, 'jobs', 'roster-sync.service'),
      join(dir, 'jobs', 'roster-sync.timer'),
      '/etc/systemd/system/',
    ]);
    expect(shWords(after(run.stdout, 'then: ', ' (root reads them'))).to.deep.equal(['600', `${join(dir, 'secrets')}/*`]);
  });

  it('--cron: crontab -u, chown and chmod give sh exactly the account and the paths', async () => {
    const { dir, config } = awkwardConfig({}, FOLDER);
    const run = await runRoster(['schedule', '--cron', '--config', config, '--user', 'svc roster', '--out-dir', join(dir, 'jobs')]);
    expect(run.code, run.all).to.equal(0);
    expect(shWords(after(run.stdout, 'crontab of svc roster: ', ' (as root)'))).to.deep.equal(['-u', 'svc roster', '-e']);
    const [chown, chmod] = after(run.stdout, 'then: ').split(' && ');
    expect(shWords(chown!)).to.deep.equal(['svc roster', `${join(dir, 'secrets')}/*`]);
    expect(shWords(chmod!)).to.deep.equal(['600', `${join(dir, 'secrets')}/*`]);
  });

  it('roster init: the roster check line and the chmod/chown line give sh exactly the paths', async () => {
    const dir = join(workspace({}), "new $folder 'x'");
    const run = await runRoster(['init', '--dir', dir]);
    expect(run.code, run.all).to.equal(0);
    expect(shWords(after(run.stdout, '3. '))).to.deep.equal(['check', '--config', join(dir, 'config.json')]);
    expect(shWords(after(run.stdout, 'then: '))).to.deep.equal(['600', `${join(dir, 'secrets')}/*`]);
  });
});
