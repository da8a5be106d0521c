// config.json's "notify": the channels that are told how a run went. Pure, like parse.ts: problems
// are collected with their key paths (notify[1].smtp.port), nothing is read or sent.
import { isLoopback, secretSource } from './parse.js';
import { ObjectReader, describe, type Json, type Problems } from './reader.js';
import { DEFAULT_NOTIFY_ON, NOTIFY_EVENTS, type EmailChannel, type NotifyChannel, type NotifyEvent, type SmtpConfig, type WebhookChannel } from './types.js';

const SECRET_IN_CONFIG = 'secrets are never read from config.json: name an environment variable with passwordEnv or a file with passwordFile';
const FORMATS = ['teams', 'slack', 'json'] as const;
const SECURE = ['starttls', 'tls', 'none'] as const;

export function parseNotify(value: Json | undefined, problems: Problems, path: (p: string) => string): NotifyChannel[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.add('notify', `must be a list of channels, found ${describe(value)}`);
    return [];
  }
  const channels: NotifyChannel[] = [];
  value.forEach((item, index) => {
    const r = ObjectReader.of(`notify[${index}]`, item, problems);
    const type = r.string('type');
    const base = { key: r.path, on: events(r), timeoutSeconds: r.integer('timeoutSeconds', 30, 1, 600) };
    if (type === 'email') channels.push(email(r, base, path));
    else if (type === 'webhook') channels.push(webhook(r, base, path));
    else {
      r.problems.add(r.keyPath('type'), `must be "email" or "webhook"${type === undefined ? '' : `, found "${type}"`}`);
      r.unreadKeys().forEach((key) => r.raw(key)); // the other keys depend on the type: one problem is enough
    }
    r.rejectUnknown();
  });
  return channels;
}

function events(r: ObjectReader): NotifyEvent[] {
  const list = r.stringList('on', { allowSingle: true });
  if (list === undefined) return [...DEFAULT_NOTIFY_ON];
  for (const event of list) {
    if (!(NOTIFY_EVENTS as readonly string[]).includes(event)) r.problems.add(r.keyPath('on'), `"${event}" is not one of ${NOTIFY_EVENTS.join(', ')}`);
  }
  return list.filter((event): event is NotifyEvent => (NOTIFY_EVENTS as readonly string[]).includes(event));
}

function email(r: ObjectReader, base: Pick<EmailChannel, 'key' | 'on' | 'timeoutSeconds'>, path: (p: string) => string): EmailChannel {
  const from = r.requiredString('from');
  const to = r.stringList('to', { allowSingle: true }) ?? [];
  if (!r.has('to')) r.problems.add(r.keyPath('to'), 'is required: the addresses to mail');
  for (const address of [from, ...to]) {
    if (address !== '' && !/^[^\s@<>]+@[^\s@<>]+$/.test(address))
      r.problems.add(r.keyPath(address === from ? 'from' : 'to'), `"${address}" is not an email address`);
  }
  if (!r.has('smtp')) r.problems.add(r.keyPath('smtp'), 'is required: { "host": …, "port": … }');
  const s = ObjectReader.of(r.keyPath('smtp'), r.raw('smtp') ?? {}, r.problems);
  const host = s.requiredString('host');
  const secure = s.string('secure') ?? 'starttls';
  if (!(SECURE as readonly string[]).includes(secure)) s.problems.add(s.keyPath('secure'), `must be one of ${SECURE.join(', ')}, found "${secure}"`);
  else if (secure === 'none' && host !== '' && !isLoopback(host)) {
    s.problems.add(
      s.keyPath('secure'),
      `"none" sends mail unencrypted: it is allowed only for a relay on this machine (localhost), not ${host}; use "starttls" or "tls"`,
    );
  }
  const user = s.string('user');
  const password = secretSource(s, 'password', path);
  if (user !== undefined && password === undefined && !s.problems.list.some((p) => p.includes(`${s.path}.password`))) {
    s.problems.add(s.keyPath('passwordEnv'), 'user is set, so passwordEnv or passwordFile is required');
  }
  if (user === undefined && password !== undefined) s.problems.add(s.keyPath('user'), 'is required when a password is configured');
  const caFile = s.string('caFile');
  const smtp: SmtpConfig = {
    host,
    port: s.integer('port', secure === 'tls' ? 465 : 587, 1, 65535),
    secure: secure as SmtpConfig['secure'],
    user,
    password,
    caFile: caFile === undefined ? undefined : path(caFile),
  };
  s.rejectUnknown({ password: SECRET_IN_CONFIG });
  return { ...base, type: 'email', from, to, smtp };
}

function webhook(r: ObjectReader, base: Pick<WebhookChannel, 'key' | 'on' | 'timeoutSeconds'>, path: (p: string) => string): WebhookChannel {
  const url = r.requiredString('url');
  if (url !== '' && !/^https:\/\/[^/\s]+/i.test(url)) r.problems.add(r.keyPath('url'), 'must be an https:// URL');
  const format = r.string('format') ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format)) r.problems.add(r.keyPath('format'), `must be one of ${FORMATS.join(', ')}, found "${format}"`);
  const caFile = r.string('caFile');
  return { ...base, type: 'webhook', url, format: format as WebhookChannel['format'], caFile: caFile === undefined ? undefined : path(caFile) };
}
