// Delivers a notice on each channel, all at once, each within its own timeout. A channel that is
// down, slow or refuses is logged as a warning and reported, never thrown: a notification never
// changes a run's exit code.
import type { NotifyChannel } from '../../config/types.js';
import type { Logger } from '../../platform/log/logger.js';
import { printable } from '../../platform/log/printable.js';
import { redact } from '../../platform/log/redact.js';
import { sendEmail } from './email.js';
import { emailMessage, jsonMessage, slackMessage, teamsMessage, type Notice } from './message.js';
import { sendWebhook } from './webhook.js';

export interface ChannelResult {
  channel: string;
  type: NotifyChannel['type'];
  sent: boolean;
  detail: string;
}

export async function sendNotice(channels: readonly NotifyChannel[], notice: Notice, log: Logger): Promise<ChannelResult[]> {
  return Promise.all(
    channels.map(async (channel): Promise<ChannelResult> => {
      const label = `${channel.key} (${channel.type === 'email' ? `email to ${channel.to.join(', ')}` : `${channel.format} webhook`})`;
      try {
        const detail = redact(await withinTimeout(channel, (deadline) => deliver(channel, notice, deadline)));
        log.info(`notification sent on ${label}: ${detail}`);
        return { channel: channel.key, type: channel.type, sent: true, detail };
      } catch (error) {
        const detail = redact(error instanceof Error ? error.message : String(error));
        log.warn(`notification on ${label} failed: ${detail}`);
        return { channel: channel.key, type: channel.type, sent: false, detail };
      }
    }),
  );
}

function deliver(channel: NotifyChannel, unsafe: Notice, deadline: AbortSignal): Promise<string> {
  // Every text is redacted before it is shaped, so a secret is caught before JSON escapes it, and
  // made printable: a control character from a value escaped, whatever the channel shows it in.
  const notice = mapStrings(unsafe, (text) => printable(redact(text)));
  if (channel.type === 'email') return sendEmail(channel, emailMessage(notice), deadline);
  const shape = channel.format === 'teams' ? teamsMessage(notice) : channel.format === 'slack' ? slackMessage(notice) : jsonMessage(notice);
  return sendWebhook(channel, redact(JSON.stringify(shape)));
}

function mapStrings<T>(value: T, change: (text: string) => string): T {
  if (typeof value === 'string') return change(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, change)) as T;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, change)])) as T;
  return value;
}

/** Runs `send`, giving up after the channel's timeout whatever the library's own timeouts do. */
async function withinTimeout(channel: NotifyChannel, send: (deadline: AbortSignal) => Promise<string>): Promise<string> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${channel.timeoutSeconds} s (${channel.key}.timeoutSeconds)`));
    }, channel.timeoutSeconds * 1000);
  });
  try {
    return await Promise.race([send(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
