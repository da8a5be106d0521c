// roster schedule: prints (or writes) a ready-to-install daily job for the current config: a
// Windows Task Scheduler task, a systemd service + timer, or a crontab line.
import { mkdirSync, realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadConfig } from '../../config/load.js';
import { InvalidInputError, errnoText } from '../../platform/errors.js';
import { writeFileAtomic } from '../../platform/atomicWrite.js';
import type { Logger } from '../../platform/log/logger.js';
import { singleExecutable } from '../../platform/paths.js';
import { targetsOf } from '../../ilobby/push.js';
import type { RosterConfig } from '../../config/types.js';
import { loadFieldMapping } from '../../mapping/loadFields.js';
import { lookUpAccount, unreadablePaths } from '../../setup/schedule/access.js';
import { crontabLines } from '../../setup/schedule/cron.js';
import { parseTimeOfDay, secretFileNames, secretVariablesOf, type ScheduledJob } from '../../setup/schedule/job.js';
import { systemdUnits, UNIT_NAME } from '../../setup/schedule/systemd.js';
import { windowsTaskXml } from '../../setup/schedule/windows.js';
import { gmsaRegistration, isGmsa } from '../../setup/schedule/gmsa.js';
import { defineCommand, runCommand, type GlobalOptions } from '../run.js';

type Scheduler = 'windows' | 'systemd' | 'cron';

/** The files each scheduler gets, by name, with their content. */
function jobFiles(scheduler: Scheduler, job: ScheduledJob): Record<string, string> {
  if (scheduler === 'windows' && isGmsa(job.user)) return { [`${UNIT_NAME}.ps1`]: gmsaRegistration(job, 'roster sync') };
  if (scheduler === 'windows') return { [`${UNIT_NAME}.xml`]: windowsTaskXml(job, new Date()) };
  if (scheduler === 'cron') return { [`${UNIT_NAME}.crontab`]: crontabLines(job) };
  const units = systemdUnits(job);
  return { [`${UNIT_NAME}.service`]: units.service, [`${UNIT_NAME}.timer`]: units.timer };
}

function installSteps(scheduler: Scheduler, job: ScheduledJob, folder: string): string[] {
  const file = (name: string) => join(folder, name);
  const secrets = job.secretVariables.length > 0;
  const secretFiles = `put ${secretFileNames(job)} in ${job.secretsDir}, one file each named after the variable, holding the value as it is (no quotes, no NAME=)`;
  if (scheduler === 'windows' && isGmsa(job.user)) {
    return [
      `first the one-time steps in its comments, then register it (as an administrator; no password is asked): powershell -ExecutionPolicy Bypass -File "${file(`${UNIT_NAME}.ps1`)}"`,
    ];
  }
  if (scheduler === 'windows') {
    return [
      `install (as an administrator): schtasks /Create /TN "roster sync" /XML "${file(`${UNIT_NAME}.xml`)}" /RU ${job.user} /RP *`,
      ...(secrets
        ? [
            `Task Scheduler has no per-task environment: the task reads the secrets from files. ${secretFiles}`,
            `then let only ${job.user} and administrators read them: icacls "${job.secretsDir}" /inheritance:r /grant:r "${job.user}:(OI)(CI)R" "BUILTIN\\Administrators:(OI)(CI)F"`,
          ]
        : []),
      `${job.user} must be able to read ${job.workingDirectory} and write its state and log: icacls "${job.workingDirectory}" /grant "${job.user}:(OI)(CI)M"`,
    ];
  }
  const keytab =
    job.keytab === undefined
      ? undefined
      : `the keytab of the account roster binds as goes in ${job.keytab.path} (docs/kerberos.md: ktpass or samba-tool domain exportkeytab)`;
  if (scheduler === 'systemd') {
    return [
      `install: copy ${file(`${UNIT_NAME}.service`)} and ${file(`${UNIT_NAME}.timer`)} to /etc/systemd/system/, then: systemctl daemon-reload && systemctl enable --now ${UNIT_NAME}.timer`,
      ...(secrets ? [`${secretFiles}; chmod 600 (root reads them and hands them to the job through LoadCredential=)`] : []),
      ...(keytab === undefined ? [] : [`${keytab}; chmod 600, owned by root (systemd hands it to the job through LoadCredential=)`]),
    ];
  }
  return [
    `install: add the line to the crontab of ${job.user} (crontab -e as that account)`,
    ...(secrets ? [`${secretFiles}; chown ${job.user} and chmod 600 each`] : []),
    ...(keytab === undefined ? [] : [`${keytab}; chown ${job.user} and chmod 600`]),
  ];
}

/** Every file and folder the job touches, to check who can read them and what systemd may hide. */
function jobPaths(config: RosterConfig, node: string, cli: string | undefined, logFile: string, secretsDir: string, withSecretsDir: boolean): string[] {
  const secretFiles = [config.directory?.bindPassword, ...config.ilobby.map((target) => target.clientSecret)].flatMap((source) =>
    source?.kind === 'file' ? [source.path] : [],
  );
  const variables = withSecretsDir ? secretVariablesOf(config).map((name) => join(secretsDir, name)) : [];
  let fieldsFile: string[] = [];
  try {
    fieldsFile = config.directory === undefined ? [] : [loadFieldMapping(config).file];
  } catch {
    // A mapping with errors fails the sync itself, which says so; here only its place matters.
  }
  return [
    node,
    ...(cli === undefined ? [] : [cli]),
    config.file,
    ...fieldsFile,
    config.csv.path,
    config.stateDir,
    logFile,
    ...(config.directory?.caFile ? [config.directory.caFile] : []),
    ...config.ilobby.flatMap((target) => (target.caFile ? [target.caFile] : [])),
    ...secretFiles,
    ...variables,
  ];
}

/** Warns about every file the job's account cannot read (Linux, macOS); says how to check on Windows. */
function checkAccess(scheduler: Scheduler, job: ScheduledJob, paths: readonly string[], log: Logger): void {
  if (scheduler === 'windows' || process.platform === 'win32') {
    log.info(`check that ${job.user} can read these (e.g. icacls "${job.configFile}"): ${paths.join(', ')}`);
    return;
  }
  const account = lookUpAccount(job.user);
  if (account === undefined) {
    log.warn(`there is no account ${job.user} on this machine (id ${job.user} fails): create it, or give the right one with --user`);
    return;
  }
  const problems = unreadablePaths(paths, account);
  for (const problem of problems) log.warn(problem);
  if (problems.length === 0) log.info(`checked: ${job.user} can read every file the job needs that exists now`);
}

function defaultUser(scheduler: Scheduler): string {
  const { USERDOMAIN: domain, USERNAME: name, USER: user } = process.env;
  if (scheduler === 'windows' && domain && name) return `${domain}\\${name}`;
  try {
    return userInfo().username;
  } catch {
    // A uid with no entry in /etc/passwd (some containers) has no name to give.
    return user ?? name ?? 'roster';
  }
}

export const scheduleCommand = defineCommand({
  command: 'schedule',
  describe: 'Print a daily "roster sync" job for Task Scheduler, systemd or cron, for the current config',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('windows', { type: 'boolean', default: false, describe: 'A Task Scheduler task (XML)' })
      .option('systemd', { type: 'boolean', default: false, describe: 'A systemd service and timer' })
      .option('cron', { type: 'boolean', default: false, describe: 'A crontab line' })
      .option('at', { type: 'string', default: '06:00', describe: 'The time of day to run, HH:MM (24-hour, local time)' })
      .option('max-hours', { type: 'number', default: 2, describe: 'Stop a run that takes longer than this (Task Scheduler, systemd)' })
      .option('user', { type: 'string', describe: 'The account the job runs as (default: the current one), e.g. CORP\\svc-roster' })
      .option('sync-log', { type: 'string', describe: 'The log file the scheduled sync appends to (default: roster.log beside config.json)' })
      .option('out-dir', { type: 'string', describe: 'Write the file(s) to this folder instead of printing them' })
      .example('$0 schedule --windows --user CORP\\svc-roster --out-dir C:\\roster', 'write roster-sync.xml for schtasks /Create /XML')
      .example('$0 schedule --systemd --user roster --config /etc/roster/config.json', 'print roster-sync.service and roster-sync.timer')
      .example('$0 schedule --cron --at 05:30', 'print a crontab line for 05:30 every day'),
  handler: (argv) =>
    runCommand('schedule', argv, ({ log }) => {
      if ([argv.windows, argv.systemd, argv.cron].filter(Boolean).length !== 1) {
        throw new InvalidInputError('Choose exactly one of --windows, --systemd or --cron.', {
          hint: 'e.g. roster schedule --windows --user CORP\\svc-roster',
        });
      }
      const scheduler: Scheduler = argv.windows ? 'windows' : argv.systemd ? 'systemd' : 'cron';
      const at = parseTimeOfDay(argv.at);
      if (at === undefined)
        throw new InvalidInputError(`--at ${argv.at} is not a time of day`, { hint: 'Give it as HH:MM, 24-hour, e.g. --at 06:00 or --at 21:30.' });
      if (!Number.isInteger(argv.maxHours) || argv.maxHours < 1 || argv.maxHours > 72) {
        throw new InvalidInputError(`--max-hours ${argv.maxHours} must be a whole number of hours from 1 to 72`);
      }
      // The job is for this config: it must load and be able to push, or the job would only fail nightly.
      const config = loadConfig(argv.config);
      targetsOf(config);
      const folder = dirname(config.file);
      const node = process.execPath;
      // The file this process was started from (the installed executable, dist/bin/roster.cjs), links
      // resolved; a single executable is the program itself (its argv[1] repeats its own path).
      const cli = singleExecutable ? undefined : realpathSync(process.argv[1]!);
      const logFile = resolve(argv.syncLog ?? join(folder, 'roster.log'));
      const secretsDir = join(folder, 'secrets');
      // Kerberos on Linux binds with a client keytab: the job's own (SSPI on Windows needs none).
      const kerberos = scheduler === 'windows' ? undefined : config.directory?.kerberos;
      const keytab =
        kerberos === undefined
          ? undefined
          : { path: kerberos.keytabFile ?? process.env.KRB5_CLIENT_KTNAME ?? join(folder, 'roster.keytab'), inConfig: kerberos.keytabFile !== undefined };
      // systemd reads the secret files itself (as root) and hands them over: the job's account need not read them.
      const paths = [...jobPaths(config, node, cli, logFile, secretsDir, scheduler !== 'systemd'), ...(keytab && scheduler === 'cron' ? [keytab.path] : [])];
      const job: ScheduledJob = {
        node,
        cli,
        configFile: config.file,
        workingDirectory: folder,
        logFile,
        at,
        maxHours: argv.maxHours,
        user: argv.user ?? defaultUser(scheduler),
        secretVariables: secretVariablesOf(config),
        secretsDir,
        paths: jobPaths(config, node, cli, logFile, secretsDir, true),
        keytab,
      };
      const files = jobFiles(scheduler, job);
      checkAccess(scheduler, job, paths, log);
      if (argv.outDir !== undefined) {
        writeJobFiles(resolve(argv.outDir), files, scheduler, job, log);
        return;
      }
      // stdout is the file itself (so "> file" works); how to install it goes to stderr.
      const names = Object.keys(files);
      log.info(
        `save ${names.length === 1 ? 'this' : 'each part'} as ${names.join(' and ')} (or let --out-dir write ${names.length === 1 ? 'it' : 'them'}), then:`,
      );
      for (const step of installSteps(scheduler, job, '.')) log.info(`  ${step}`);
      const text = names.length === 1 ? Object.values(files)[0]! : names.map((name) => `# ---- ${name} ----\n${files[name]}`).join('\n');
      log.result(text.trimEnd(), { command: 'schedule', scheduler, files });
    }),
});

function writeJobFiles(folder: string, files: Record<string, string>, scheduler: Scheduler, job: ScheduledJob, log: Logger): void {
  const written: string[] = [];
  try {
    mkdirSync(folder, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      writeFileAtomic(join(folder, name), content);
      written.push(join(folder, name));
    }
  } catch (error) {
    throw new InvalidInputError(`cannot write the job files in ${folder}: ${errnoText(error)}`, {
      hint: 'Choose a folder this account may write to with --out-dir.',
      cause: error,
    });
  }
  log.result([`wrote ${written.join(' and ')}`, ...installSteps(scheduler, job, folder)].join('\n'), { command: 'schedule', scheduler, files: written });
}
