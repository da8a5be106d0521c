// The scheduled-job generators: well-formed, correctly quoted for each scheduler, with the options
// Task Scheduler, systemd and cron need for an unattended daily run.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { permits, unreadablePaths, type Account } from '../../src/setup/schedule/access.js';
import { parseConfig } from '../../src/config/parse.js';
import { crontabLines, shellWord } from '../../src/setup/schedule/cron.js';
import { parseTimeOfDay, secretVariablesOf, type ScheduledJob } from '../../src/setup/schedule/job.js';
import { sandboxLines, systemdUnits, systemdWord } from '../../src/setup/schedule/systemd.js';
import { windowsArgument, windowsTaskXml } from '../../src/setup/schedule/windows.js';
import { gmsaRegistration, isGmsa, powershellString } from '../../src/setup/schedule/gmsa.js';
import { child, parseXml } from '../harness/xml.js';

const awkward = '/srv/R&D <roster> 100% "it\'s" $HOME';
const job: ScheduledJob = {
  node: '/usr/bin/node',
  cli: `${awkward}/dist/src/cli.js`,
  configFile: `${awkward}/config.json`,
  workingDirectory: awkward,
  logFile: `${awkward}/roster.log`,
  at: { hour: 5, minute: 7 },
  maxHours: 3,
  user: 'CORP\\svc-roster',
  secretVariables: ['ROSTER_BIND_PASSWORD'],
  secretsDir: `${awkward}/secrets`,
  paths: ['/etc/roster/config.json'],
};

describe('schedule: Windows Task Scheduler XML', () => {
  const xml = parseXml(windowsTaskXml(job, new Date(2026, 2, 9)));

  it('is well-formed and keeps awkward paths intact', () => {
    expect(xml.name).to.equal('Task');
    expect(xml.attributes.xmlns).to.equal('http://schemas.microsoft.com/windows/2004/02/mit/task');
    expect(child(xml, 'Actions/Exec/WorkingDirectory').text).to.equal(awkward);
    expect(child(xml, 'Actions/Exec/Arguments').text).to.equal(
      `"${awkward.replace(/"/g, '\\"')}/dist/src/cli.js" sync --config "${awkward.replace(/"/g, '\\"')}/config.json" --log-file "${awkward.replace(/"/g, '\\"')}/roster.log" --secrets-dir "${awkward.replace(/"/g, '\\"')}/secrets"`,
    );
  });

  it("runs a single executable itself, with roster's arguments only", () => {
    const exe = 'C:\\Program Files\\roster\\roster-1.0.0-win-x64.exe';
    const shipped = parseXml(
      windowsTaskXml(
        { ...job, node: exe, cli: undefined, secretVariables: [], configFile: 'C:\\roster\\config.json', logFile: 'C:\\roster\\roster.log' },
        new Date(2026, 2, 9),
      ),
    );
    expect(child(shipped, 'Actions/Exec/Command').text).to.equal(`"${exe}"`);
    expect(child(shipped, 'Actions/Exec/Arguments').text).to.equal('sync --config C:\\roster\\config.json --log-file C:\\roster\\roster.log');
  });

  it('runs daily, whether anyone is logged on or not, one at a time, stopped after maxHours', () => {
    expect(child(xml, 'Triggers/CalendarTrigger/StartBoundary').text).to.equal('2026-03-09T05:07:00');
    expect(child(xml, 'Triggers/CalendarTrigger/ScheduleByDay/DaysInterval').text).to.equal('1');
    expect(child(xml, 'Principals/Principal/UserId').text).to.equal('CORP\\svc-roster');
    expect(child(xml, 'Principals/Principal/LogonType').text).to.equal('Password');
    expect(child(xml, 'Settings/MultipleInstancesPolicy').text).to.equal('IgnoreNew');
    expect(child(xml, 'Settings/ExecutionTimeLimit').text).to.equal('PT3H');
    expect(child(xml, 'Settings/StartWhenAvailable').text).to.equal('true');
  });

  it('quotes Windows arguments as the C runtime reads them', () => {
    expect(windowsArgument('C:\\roster\\config.json')).to.equal('C:\\roster\\config.json');
    expect(windowsArgument('C:\\Program Files\\nodejs\\node.exe')).to.equal('"C:\\Program Files\\nodejs\\node.exe"');
    expect(windowsArgument('C:\\a b\\')).to.equal('"C:\\a b\\\\"');
    expect(windowsArgument('say "hi"')).to.equal('"say \\"hi\\""');
  });
});

describe('schedule: systemd units', () => {
  const { service, timer } = systemdUnits(job);

  it('has a oneshot service with the secret files as credentials, and a persistent daily timer', () => {
    expect(service).to.match(/^\[Service\]\nType=oneshot\nUser=CORP\\svc-roster\n/m);
    expect(service).to.include(`WorkingDirectory=/srv/R&D <roster> 100%% "it's" $HOME\n`);
    expect(service).to.include(`LoadCredential=ROSTER_BIND_PASSWORD:/srv/R&D <roster> 100%% "it's" $HOME/secrets/ROSTER_BIND_PASSWORD\n`);
    expect(service).not.to.include('EnvironmentFile=');
    expect(service).not.to.include('--secrets-dir'); // roster finds them in $CREDENTIALS_DIRECTORY
    expect(service).to.include('TimeoutStartSec=3h\n');
    expect(timer).to.match(/^\[Timer\]\nOnCalendar=\*-\*-\* 05:07:00\nPersistent=true\nUnit=roster-sync\.service\n/m);
    expect(timer).to.match(/^\[Install\]\nWantedBy=timers\.target\n/m);
  });

  it('escapes ExecStart words: quotes, %, $ and backslashes', () => {
    expect(systemdWord('/usr/bin/node')).to.equal('/usr/bin/node');
    expect(systemdWord('/a b/100%')).to.equal('"/a b/100%%"');
    expect(systemdWord('C:\\x "$y"')).to.equal('"C:\\\\x \\"$$y\\""');
    const execStart = /^ExecStart=(.*)$/m.exec(service)![1]!;
    expect(execStart.startsWith('/usr/bin/node "/srv/R&D <roster> 100%% \\"it\'s\\" $$HOME/dist/src/cli.js" sync --config ')).to.equal(true);
  });

  it('says where secrets come from when config.json names no variable', () => {
    const { service } = systemdUnits({ ...job, secretVariables: [] });
    expect(service).not.to.include('LoadCredential=');
    expect(service).to.include('# No secrets here: config.json reads them from files (bindPasswordFile, clientSecretFile).');
  });

  it('hides /tmp and the home folders from the job, unless a file it needs lives there', () => {
    expect(sandboxLines(['/etc/roster/config.json', '/usr/bin/node'])).to.deep.equal(['PrivateTmp=true', 'ProtectHome=true']);
    expect(sandboxLines(['/tmp/roster/config.json'])).to.deep.equal([
      "# No PrivateTmp=true: it would hide /tmp/roster/config.json from the job; better move roster's files out of /tmp and /var/tmp.",
      'ProtectHome=true',
    ]);
    expect(sandboxLines(['/etc/roster/config.json', '/home/ann/.nvm/node'])).to.deep.equal([
      'PrivateTmp=true',
      '# No ProtectHome=true: it would hide /home/ann/.nvm/node from the job.',
    ]);
    expect(sandboxLines(['/tmpfiles/x', '/homework/y'])).to.deep.equal(['PrivateTmp=true', 'ProtectHome=true']);
  });
});

describe('schedule: crontab line', () => {
  it('has five time fields and a command that sh runs with the exact arguments', () => {
    const [comment, line] = crontabLines({ ...job, secretVariables: [] }).split('\n');
    expect(comment).to.match(/^# roster sync for .*, daily at 05:07\.$/);
    const fields = line!.split(' ');
    expect(fields.slice(0, 5)).to.deep.equal(['7', '5', '*', '*', '*']);
    // cron passes the rest to sh after turning "\%" back into "%"; here sh prints the words it gets.
    const command = fields.slice(5).join(' ').replace(/\\%/g, '%');
    const probe = command
      .replace(/^cd (.*?) && /, '')
      .replace(/ >\/dev\/null$/, '')
      .replace(/^\/usr\/bin\/node /, 'printf "%s\\n" ');
    const words = execFileSync('sh', ['-c', probe], { encoding: 'utf8' }).split('\n').slice(0, -1);
    expect(words).to.deep.equal([job.cli, 'sync', '--config', job.configFile, '--log-file', job.logFile, '--quiet']);
    expect(line).not.to.include('flock');
  });

  it('reads the secret variables from --secrets-dir only when config.json takes secrets from the environment', () => {
    expect(crontabLines(job)).to.include(` --secrets-dir ${shellWord(job.secretsDir).replace(/%/g, '\\%')} --quiet`);
    expect(crontabLines(job)).not.to.include('. '); // nothing is sourced by the shell
    expect(crontabLines({ ...job, secretVariables: [] })).not.to.include('--secrets-dir');
    expect(shellWord("it's")).to.equal(`'it'\\''s'`);
  });
});

describe('schedule: the job', () => {
  it('parses HH:MM times of day', () => {
    expect(parseTimeOfDay('06:00')).to.deep.equal({ hour: 6, minute: 0 });
    expect(parseTimeOfDay('7:05')).to.deep.equal({ hour: 7, minute: 5 });
    for (const bad of ['24:00', '6', '06:60', '6pm', '']) expect(parseTimeOfDay(bad), bad).to.equal(undefined);
  });

  it('collects the environment variables config.json takes secrets from', () => {
    const config = parseConfig(
      {
        directory: { url: 'ldaps://dc1', bindDn: 'svc', bindPasswordEnv: 'BIND', searchBases: 'OU=Staff' },
        ilobby: [
          { name: 'a', tokenUrl: 'https://t', uploadUrl: 'https://u', clientId: 'x', clientSecretEnv: 'SECRET_A' },
          { name: 'b', tokenUrl: 'https://t', uploadUrl: 'https://u', clientId: 'y', clientSecretFile: 'b.txt' },
          { name: 'c', tokenUrl: 'https://t', uploadUrl: 'https://u', clientId: 'z', clientSecretEnv: 'SECRET_A' },
        ],
      },
      '/etc/roster/config.json',
      '/etc/roster',
    );
    expect(secretVariablesOf(config)).to.deep.equal(['BIND', 'SECRET_A']);
  });
});

describe("the tests' XML reader", () => {
  it('rejects what is not well-formed', () => {
    for (const bad of ['<a><b></a></b>', '<a>x & y</a>', '<a b=c/>', '<a/><b/>', '<a>', '<a b="1" b="2"/>', '<a>&nbsp;</a>', '<a><!-- x -- y --></a>']) {
      expect(() => parseXml(bad), bad).to.throw(/not well-formed XML/);
    }
    expect(parseXml('<?xml version="1.0"?>\n<a x="1&amp;2"><b>t&lt;</b><!-- c --><c/></a>\n')).to.deep.equal({
      name: 'a',
      attributes: { x: '1&2' },
      text: '',
      children: [
        { name: 'b', attributes: {}, children: [], text: 't<' },
        { name: 'c', attributes: {}, children: [], text: '' },
      ],
    });
  });
});

describe("schedule: can the job's account read its files", () => {
  const nobody: Account = { name: 'nobody', uid: 65534, gids: [65534] };

  it('goes by owner, group and other permission bits; root reads everything', () => {
    const file = { uid: 1000, gid: 1000, mode: 0o100640 };
    expect(permits(file, { name: 'owner', uid: 1000, gids: [] }, 4)).to.equal(true);
    expect(permits(file, { name: 'member', uid: 1001, gids: [1000] }, 4)).to.equal(true);
    expect(permits(file, nobody, 4)).to.equal(false);
    expect(permits(file, { name: 'root', uid: 0, gids: [0] }, 4)).to.equal(true);
    expect(permits({ uid: 1000, gid: 1000, mode: 0o40751 }, nobody, 1)).to.equal(true);
  });

  it('names a file the account cannot read, and once a folder it cannot enter', function () {
    if (process.platform === 'win32') this.skip();
    const root = mkdtempSync(join(tmpdir(), 'roster-access-'));
    chmodSync(root, 0o755);
    const open = join(root, 'open.json');
    const closed = join(root, 'closed.json');
    writeFileSync(open, '{}', { mode: 0o644 });
    writeFileSync(closed, '{}', { mode: 0o600 });
    const owner = statSync(root).uid;
    const stranger: Account = { ...nobody, uid: owner === 65534 ? 65533 : 65534 };
    expect(unreadablePaths([open, join(root, 'missing.csv')], stranger)).to.deep.equal([]);
    expect(unreadablePaths([open, closed], stranger)).to.deep.equal([
      `nobody cannot read ${closed} (owner uid ${owner}, group gid ${statSync(closed).gid}, mode 600); e.g. chown nobody ${closed}`,
    ]);
    chmodSync(root, 0o700);
    expect(unreadablePaths([open, closed], stranger)).to.deep.equal([
      `nobody cannot enter ${root} (owner uid ${owner}, group gid ${statSync(root).gid}, mode 700), so cannot reach ${open}, ${closed}; e.g. chmod o+x ${root}`,
    ]);
  });
});

describe('schedule: a gMSA (Windows) and a keytab (systemd, cron) for directory.auth kerberos', () => {
  const gmsaJob: ScheduledJob = {
    ...job,
    node: 'C:\\Program Files\\roster\\roster.exe',
    cli: undefined,
    user: 'CORP\\svc-roster$',
    workingDirectory: "C:\\R&D's roster",
    secretVariables: [],
  };

  it('registers a gMSA with New-ScheduledTaskPrincipal -LogonType Password and no password, after the one-time steps', () => {
    expect(isGmsa('CORP\\svc-roster$')).to.equal(true);
    expect(isGmsa('CORP\\svc-roster')).to.equal(false);
    const script = gmsaRegistration(gmsaJob, 'roster sync');
    expect(script).to.include("$principal = New-ScheduledTaskPrincipal -UserId 'CORP\\svc-roster$' -LogonType Password -RunLevel Limited");
    expect(script).to.include("Install-ADServiceAccount -Identity 'svc-roster'");
    expect(script).to.include('Log on as a batch job');
    expect(script).to.include("-Execute 'C:\\Program Files\\roster\\roster.exe'");
    // A quote in a path is doubled inside PowerShell's single quotes, so nothing is expanded or cut.
    expect(script).to.include("-WorkingDirectory 'C:\\R&D''s roster'");
    expect(script).to.include('-MultipleInstances IgnoreNew');
    expect(script).to.include('-ExecutionTimeLimit (New-TimeSpan -Hours 3)');
    expect(script).not.to.match(/-Password|Read-Host|Get-Credential|\/RP/);
    expect(powershellString("it's $HOME")).to.equal("'it''s $HOME'");
  });

  it('systemd hands the keytab over with LoadCredential= and names it in KRB5_CLIENT_KTNAME', () => {
    const { service } = systemdUnits({ ...job, keytab: { path: '/etc/roster/roster.keytab', inConfig: true } });
    expect(service).to.include('LoadCredential=roster.keytab:/etc/roster/roster.keytab\nEnvironment=KRB5_CLIENT_KTNAME=%d/roster.keytab\n');
    expect(systemdUnits(job).service).not.to.include('KRB5_CLIENT_KTNAME');
  });

  it('cron names the keytab, and hands it to roster when config.json does not', () => {
    const named = crontabLines({ ...job, secretVariables: [], keytab: { path: '/etc/roster/roster.keytab', inConfig: false } });
    expect(named).to.include('binds with Kerberos as the principal in the keytab /etc/roster/roster.keytab');
    expect(named).to.include('&& KRB5_CLIENT_KTNAME=/etc/roster/roster.keytab /usr/bin/node');
    const inConfig = crontabLines({ ...job, secretVariables: [], keytab: { path: '/etc/roster/roster.keytab', inConfig: true } });
    expect(inConfig).to.include('the keytab /etc/roster/roster.keytab');
    expect(inConfig).not.to.include('KRB5_CLIENT_KTNAME=');
  });
});
