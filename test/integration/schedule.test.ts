// roster schedule: the Task Scheduler XML, the systemd units and the crontab line it prints for a
// config are well formed, carry the settings an unattended daily run needs, and (cron) really run.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runRoster, workspace } from '../harness/cli.js';
import { child, parseXml } from '../harness/xml.js';

/** A config in a folder whose name needs quoting and escaping everywhere. */
function awkwardConfig(config: Record<string, unknown> = {}) {
  const dir = join(workspace({}), 'R&D roster');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      directory: { url: 'ldaps://127.0.0.1:9', bindDn: 'svc', bindPasswordEnv: 'ROSTER_BIND_PASSWORD', searchBases: ['OU=Staff,DC=corp,DC=example,DC=com'] },
      ilobby: { tokenUrl: 'https://127.0.0.1:9/token', uploadUrl: 'https://127.0.0.1:9/upload', clientId: 'x', clientSecretEnv: 'ROSTER_CLIENT_SECRET' },
      ...config,
    }),
  );
  return { dir, config: join(dir, 'config.json') };
}

/** "[Section]" and "Key=Value" lines of a unit file; comments and blank lines skipped. */
function unitFile(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section) {
      current = sections[section[1]!] = {};
      continue;
    }
    const pair = /^(\w+)=(.*)$/.exec(line);
    if (!pair || current === undefined) throw new Error(`not a unit file line: ${line}`);
    current[pair[1]!] = pair[2]!;
  }
  return sections;
}

describe('roster schedule', () => {
  it('--windows prints Task Scheduler XML that is well formed and runs the sync as the service account', async () => {
    const { dir, config } = awkwardConfig();
    const run = await runRoster(['schedule', '--windows', '--config', config, '--user', 'CORP\\svc-roster', '--at', '05:30', '--max-hours', '3']);
    expect(run.code, run.all).to.equal(0);
    const task = parseXml(run.stdout);
    expect(task.name).to.equal('Task');
    expect(child(task, 'Principals/Principal/UserId').text).to.equal('CORP\\svc-roster');
    expect(child(task, 'Principals/Principal/LogonType').text).to.equal('Password');
    expect(child(task, 'Settings/MultipleInstancesPolicy').text).to.equal('IgnoreNew');
    expect(child(task, 'Settings/ExecutionTimeLimit').text).to.equal('PT3H');
    expect(child(task, 'Triggers/CalendarTrigger/StartBoundary').text).to.match(/^\d{4}-\d\d-\d\dT05:30:00$/);
    expect(child(task, 'Triggers/CalendarTrigger/ScheduleByDay/DaysInterval').text).to.equal('1');
    expect(child(task, 'Actions/Exec/Command').text).to.equal(process.execPath);
    expect(child(task, 'Actions/Exec/Arguments').text).to.equal(
      `${CLI} sync --config "${config}" --log-file "${join(dir, 'roster.log')}" --secrets-dir "${join(dir, 'secrets')}"`,
    );
    expect(child(task, 'Actions/Exec/WorkingDirectory').text).to.equal(dir);
    expect(run.stderr).to.include('schtasks /Create /TN "roster sync" /XML "roster-sync.xml" /RU CORP\\svc-roster /RP *');
    expect(run.stderr).to.include('Task Scheduler has no per-task environment');

    const out = await runRoster([
      'schedule',
      '--windows',
      '--config',
      config,
      '--user',
      'CORP\\svc-roster',
      '--at',
      '05:30',
      '--max-hours',
      '3',
      '--out-dir',
      join(dir, 'jobs'),
    ]);
    expect(out.code, out.all).to.equal(0);
    expect(readFileSync(join(dir, 'jobs', 'roster-sync.xml'), 'utf8')).to.equal(`${run.stdout.trimEnd()}\n`);
  });

  it('--systemd writes a oneshot service and a persistent timer with the required keys', async function () {
    const { dir, config } = awkwardConfig();
    const run = await runRoster(['schedule', '--systemd', '--config', config, '--user', 'roster', '--at', '21:15', '--out-dir', join(dir, 'units')]);
    expect(run.code, run.all).to.equal(0);
    const service = unitFile(readFileSync(join(dir, 'units', 'roster-sync.service'), 'utf8'));
    const timer = unitFile(readFileSync(join(dir, 'units', 'roster-sync.timer'), 'utf8'));
    expect(service.Unit).to.include({ After: 'network-online.target', Wants: 'network-online.target' });
    expect(service.Service).to.include({ Type: 'oneshot', User: 'roster', WorkingDirectory: dir, TimeoutStartSec: '2h' });
    // Two LoadCredential= lines: the parser keeps the last.
    expect(service.Service!.LoadCredential).to.equal(`ROSTER_CLIENT_SECRET:${join(dir, 'secrets', 'ROSTER_CLIENT_SECRET')}`);
    // The config lives under /tmp here: PrivateTmp=true would hide it from the job.
    expect(service.Service).not.to.have.property('PrivateTmp');
    expect(service.Service!.ExecStart).to.equal(`${process.execPath} ${CLI} sync --config "${config}" --log-file "${join(dir, 'roster.log')}"`);
    expect(timer.Timer).to.deep.equal({ OnCalendar: '*-*-* 21:15:00', Persistent: 'true', Unit: 'roster-sync.service' });
    expect(timer.Install).to.deep.equal({ WantedBy: 'timers.target' });
    expect(run.stdout).to.include('systemctl daemon-reload && systemctl enable --now roster-sync.timer');
    expect(run.stdout).to.include(`put ROSTER_BIND_PASSWORD and ROSTER_CLIENT_SECRET in ${join(dir, 'secrets')}, one file each`);
    // systemd's own checker, where there is one (it needs no running systemd).
    if (existsSync('/usr/bin/systemd-analyze')) {
      const verify = spawnSync('systemd-analyze', ['verify', join(dir, 'units', 'roster-sync.service'), join(dir, 'units', 'roster-sync.timer')], {
        encoding: 'utf8',
      });
      expect(verify.status, verify.stderr).to.equal(0);
    }
  });

  it('--cron prints a line with five time fields whose command runs roster, logging to the file', async () => {
    const { dir, config } = awkwardConfig();
    const run = await runRoster(['schedule', '--cron', '--config', config, '--at', '06:45']);
    expect(run.code, run.all).to.equal(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^# roster sync for .*, daily at 06:45; .*secrets holds one file each for ROSTER_BIND_PASSWORD and ROSTER_CLIENT_SECRET/);
    const fields = lines[1]!.split(' ');
    expect(fields.slice(0, 5)).to.deep.equal(['45', '6', '*', '*', '*']);
    expect(lines[1]).not.to.include('flock');
    // Run the command as cron would (sh, "\%" → "%"), from another folder and with no secrets in
    // the environment: they come from the secrets folder. The directory is unreachable, so roster exits 3.
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'secrets', 'ROSTER_BIND_PASSWORD'), 'bind-secret-1\n');
    writeFileSync(join(dir, 'secrets', 'ROSTER_CLIENT_SECRET'), 'client-secret-1\n');
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ROSTER_')));
    const command = fields.slice(5).join(' ').replace(/\\%/g, '%');
    const cron = spawnSync('sh', ['-c', command], { cwd: '/', env, encoding: 'utf8', timeout: 60_000 });
    expect(cron.status, cron.stderr).to.equal(3);
    expect(cron.stdout).to.equal(''); // the result goes to the log file only
    const log = readFileSync(join(dir, 'roster.log'), 'utf8');
    expect(log).to.match(/ERROR cannot reach ldaps:\/\/127\.0\.0\.1:9/);
    expect(log).not.to.include('bind-secret-1');
  });

  it('refuses what cannot make a working job: no scheduler, two, a bad time, a config that cannot push', async () => {
    const { config } = awkwardConfig();
    const cases: [string[], RegExp][] = [
      [['schedule', '--config', config], /Choose exactly one of --windows, --systemd or --cron/],
      [['schedule', '--cron', '--systemd', '--config', config], /Choose exactly one/],
      [['schedule', '--cron', '--at', '25:00', '--config', config], /--at 25:00 is not a time of day/],
      [['schedule', '--cron', '--config', awkwardConfig({ ilobby: undefined }).config], /ilobby: is required to push/],
      [['schedule', '--cron', '--config', '/nonexistent/config.json'], /config file \/nonexistent\/config\.json does not exist/],
    ];
    for (const [args, message] of cases) {
      const run = await runRoster(args);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr, args.join(' ')).to.match(message);
    }
  });

  it('with --log-format json the job comes as one JSON object', async () => {
    const { config } = awkwardConfig();
    const run = await runRoster(['schedule', '--cron', '--config', config, '--log-format', 'json']);
    expect(run.code, run.all).to.equal(0);
    const [line, ...rest] = run.stdout.trimEnd().split('\n');
    expect(rest).to.deep.equal([]);
    const result = JSON.parse(line!) as { files: Record<string, string> };
    expect(Object.keys(result.files)).to.deep.equal(['roster-sync.crontab']);
    expect(result.files['roster-sync.crontab']).to.match(/\n0 6 \* \* \* cd /);
    for (const stderrLine of run.stderr.trim().split('\n')) JSON.parse(stderrLine);
  });
});

describe('--help', () => {
  for (const command of ['export', 'sync', 'upload', 'check', 'init', 'schedule']) {
    it(`roster ${command} --help shows its options and examples`, async () => {
      const run = await runRoster([command, '--help']);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.match(new RegExp(`^roster ${command}`));
      expect(run.stdout).to.match(new RegExp(`Examples:\\n\\s+roster ${command}`));
    });
  }

  it('roster --help lists every command', () => {
    const help = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    for (const command of ['export', 'sync', 'upload', 'check', 'init', 'schedule']) expect(help).to.match(new RegExp(`^\\s+roster ${command}`, 'm'));
  });

  describe('with directory.auth kerberos', () => {
    const kerberos = { url: 'ldaps://dc1.corp.example.com', auth: 'kerberos', searchBases: ['OU=Staff,DC=corp,DC=example,DC=com'] };

    it('--windows --user CORP\\svc-roster$ (a gMSA) prints the PowerShell registration, with no password prompt and the one-time steps', async () => {
      const { config } = awkwardConfig({ directory: kerberos });
      const run = await runRoster(['schedule', '--windows', '--config', config, '--user', 'CORP\\svc-roster$']);
      expect(run.code, run.all).to.equal(0);
      expect(run.stdout).to.include("New-ScheduledTaskPrincipal -UserId 'CORP\\svc-roster$' -LogonType Password");
      expect(run.stdout).to.include('Register-ScheduledTask');
      expect(run.stdout).to.include('Install-ADServiceAccount');
      expect(run.stdout).to.include('"Log on as a batch job"');
      expect(run.stderr).to.include('no password is asked');
      expect(run.all).not.to.include('/RP');
    });

    it('--systemd hands the keytab to the unit (LoadCredential=, KRB5_CLIENT_KTNAME); --cron names it', async () => {
      const { dir, config } = awkwardConfig({ directory: { ...kerberos, kerberos: { keytabFile: 'roster.keytab' } } });
      const systemd = await runRoster(['schedule', '--systemd', '--config', config, '--user', 'root']);
      expect(systemd.code, systemd.all).to.equal(0);
      const service = systemd.stdout.split('# ---- roster-sync.timer ----')[0]!;
      expect(service).to.include(`LoadCredential=roster.keytab:${join(dir, 'roster.keytab').replace(/%/g, '%%')}`);
      expect(service).to.include('Environment=KRB5_CLIENT_KTNAME=%d/roster.keytab');
      const cron = await runRoster(['schedule', '--cron', '--config', config, '--user', 'root']);
      expect(cron.code, cron.all).to.equal(0);
      expect(cron.stdout).to.include(`binds with Kerberos as the principal in the keytab ${join(dir, 'roster.keytab')}`);
    });
  });
});
