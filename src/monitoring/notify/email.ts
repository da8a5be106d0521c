// Sends a notification by SMTP through nodemailer: STARTTLS (default), implicit TLS, or a plain
// relay on this machine. Certificates are checked with roster's trust (tls/trust.ts); the password
// comes from an environment variable or file, like every other secret.
import { hostname } from 'node:os';
import type { EmailChannel } from '../../config/types.js';
import { readSecret } from '../../config/secrets.js';
import { trustOptions } from '../../platform/tls/trust.js';

/** Sends one mail; resolves with what the server answered, rejects with why it could not. */
export async function sendEmail(channel: EmailChannel, message: { subject: string; text: string }, deadline: AbortSignal): Promise<string> {
  const { smtp } = channel;
  const nodemailer = (await import('nodemailer')).default;
  const timeoutMs = channel.timeoutSeconds * 1000;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure === 'tls',
    requireTLS: smtp.secure === 'starttls', // never fall back to plain text when STARTTLS is refused
    ignoreTLS: smtp.secure === 'none',
    auth: smtp.user === undefined || smtp.password === undefined ? undefined : { user: smtp.user, pass: readSecret(smtp.password) },
    tls: trustOptions(smtp.caFile, `${channel.key}.smtp.caFile`),
    name: hostname(),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // The message is plain text roster wrote: no attachment or URL is ever fetched.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const abort = () => transport.close();
  deadline.addEventListener('abort', abort, { once: true });
  try {
    const info = await transport.sendMail({ from: channel.from, to: channel.to, subject: message.subject, text: message.text });
    return `accepted by ${smtp.host}:${smtp.port} for ${info.accepted.length} of ${channel.to.length} recipients`;
  } finally {
    deadline.removeEventListener('abort', abort);
    transport.close();
  }
}
