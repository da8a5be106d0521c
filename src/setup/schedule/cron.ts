// A crontab line for the account that runs roster: daily, absolute paths (cron's PATH is
// minimal), no flock (roster holds its own lock on the state folder), the log in --log-file and
// only warnings and errors on stderr, which cron mails to MAILTO. Secrets that config.json takes
// from variables are read by roster from --secrets-dir: the shell never sees them, so no quoting
// can break them. Pure.
import { formatTimeOfDay, scriptArguments, secretFileNames, syncArguments, type ScheduledJob } from './job.js';

export function crontabLines(job: ScheduledJob): string {
  const roster = [job.node, ...scriptArguments(job), ...syncArguments(job), '--quiet'].map(shellWord).join(' ');
  // A keytab config.json does not name is named to roster by KRB5_CLIENT_KTNAME (cron keeps no ticket cache alive).
  const keytabVariable = job.keytab !== undefined && !job.keytab.inConfig ? `KRB5_CLIENT_KTNAME=${shellWord(job.keytab.path)} ` : '';
  const command = `cd ${shellWord(job.workingDirectory)} && ${keytabVariable}${roster} >/dev/null`;
  const secrets =
    job.secretVariables.length > 0 ? `; ${job.secretsDir} holds one file each for ${secretFileNames(job)}, the value as it is, no quotes (chmod 600)` : '';
  const keytab =
    job.keytab === undefined ? '' : `; it binds with Kerberos as the principal in the keytab ${job.keytab.path} (readable by ${job.user} only: chmod 600)`;
  return [
    `# roster sync for ${job.configFile}, daily at ${formatTimeOfDay(job.at)}${secrets}${keytab}.`,
    // cron turns an unescaped "%" into a newline.
    `${job.at.minute} ${job.at.hour} * * * ${command.replace(/%/g, '\\%')}`,
    '',
  ].join('\n');
}

/** Single-quotes a word for sh when it holds anything but safe characters. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
