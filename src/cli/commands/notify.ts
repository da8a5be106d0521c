// roster notify --test: sends a test message on every channel in config.json's "notify" and says
// which worked, so a channel is known to work before the night it is needed.
import { hostname } from 'node:os';
import type { Argv } from 'yargs';
import { loadConfig } from '../../config/load.js';
import { ConfigError, ExitCode } from '../../platform/errors.js';
import { testNotice } from '../../monitoring/notify/message.js';
import { sendNotice } from '../../monitoring/notify/send.js';
import { defineCommand, runCommand, type GlobalOptions } from '../run.js';

export const notifyCommand = defineCommand({
  command: 'notify',
  describe: 'With --test: send a test message on every notification channel and say which worked',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('test', {
        type: 'boolean',
        demandOption: 'name --test: roster notify --test sends a test message on every channel',
        describe: 'Send a test message on every channel in config.json\'s "notify"',
      })
      .example('$0 notify --test', 'mail and post a test message; exit 0 when every channel took it'),
  handler: (argv) =>
    runCommand('notify', argv, async ({ log }) => {
      const config = loadConfig(argv.config);
      if (config.notify.length === 0) {
        throw new ConfigError(config.file, ['notify: no channel is configured'], {
          hint: 'Add an email or webhook channel under "notify" (see docs/configuration.md).',
        });
      }
      const results = await sendNotice(config.notify, testNotice({ host: hostname(), configFile: config.file }, new Date()), log);
      const failed = results.filter((result) => !result.sent).length;
      const lines = results.map((result) => `${result.sent ? 'sent  ' : 'FAILED'} ${result.channel} (${result.type}): ${result.detail}`);
      lines.push(failed === 0 ? `every channel (${results.length}) took the test message` : `${failed} of ${results.length} channels failed`);
      log.result(lines.join('\n'), { command: 'notify', exitCode: failed === 0 ? ExitCode.ok : ExitCode.serviceFailure, channels: results });
      return failed === 0 ? ExitCode.ok : ExitCode.serviceFailure;
    }),
});
