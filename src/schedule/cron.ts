// A crontab line for the account that runs roster: daily, absolute paths (cron's PATH is
// minimal), no flock (roster holds its own lock on the state folder), the log in --log-file and
// only warnings and errors on stderr, which cron mails to MAILTO. Pure.
import { formatTimeOfDay, scriptArguments, syncArguments, type ScheduledJob } from './job.js';

export function crontabLines(job: ScheduledJob): string {
  const roster = [job.node, ...scriptArguments(job), ...syncArguments(job), '--quiet'].map(shellWord).join(' ');
  // set -a exports every NAME=value the file sets, as systemd's EnvironmentFile does.
  const secrets = job.secretVariables.length > 0 ? `set -a && . ${shellWord(job.environmentFile)} && set +a && ` : '';
  const command = `cd ${shellWord(job.workingDirectory)} && ${secrets}${roster} >/dev/null`;
  return [
    `# roster sync for ${job.configFile}, daily at ${formatTimeOfDay(job.at)}${job.secretVariables.length > 0 ? `; ${job.environmentFile} holds ${job.secretVariables.join(', ')} (chmod 600)` : ''}.`,
    // cron turns an unescaped "%" into a newline.
    `${job.at.minute} ${job.at.hour} * * * ${command.replace(/%/g, '\\%')}`,
    '',
  ].join('\n');
}

/** Single-quotes a word for sh when it holds anything but safe characters. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
