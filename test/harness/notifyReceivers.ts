// Real receivers for notifications on loopback: an SMTP server (smtp-server, STARTTLS required
// before AUTH, a certificate from a throwaway CA) and an HTTPS webhook receiver that answers,
// or never answers (a slow Teams), and a port where nothing listens (a webhook that is down).
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { makeCa, makeServerCert, type CertificateAuthority } from './certs.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The login used, and whether the session was encrypted when the mail came. */
  user: string | undefined;
  secure: boolean;
  subject: string;
  /** The decoded plain-text body. */
  text: string;
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  caFile: string;
  mails: ReceivedMail[];
  stop(): Promise<void>;
}

let ca: CertificateAuthority | undefined;
const testCa = () => (ca ??= makeCa('notification receivers CA'));

export async function startSmtpReceiver(login: { user: string; password: string }): Promise<SmtpReceiver> {
  const cert = makeServerCert(testCa(), `smtp-${process.pid}-${Date.now()}`);
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false, // STARTTLS on a plain port, as on 587
    key: readFileSync(cert.keyFile),
    cert: readFileSync(cert.certFile),
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false, // AUTH only after STARTTLS
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === login.user && auth.password === login.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
          ...parseMail(raw),
          raw,
        });
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  return { port, caFile: testCa().certFile, mails, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The subject and decoded text of a single-part plain-text mail as nodemailer writes it. */
function parseMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1] ?? '';
  const subject = header('Subject')
    .replace(/=\?utf-8\?Q\?(.*?)\?=/gi, (_, q: string) => decodeQuotedPrintable(q.replace(/_/g, ' ')))
    .replace(/\?= =\?/g, '');
  if (/quoted-printable/i.test(header('Content-Transfer-Encoding'))) body = decodeQuotedPrintable(body.replace(/=\r\n/g, ''));
  else if (/base64/i.test(header('Content-Transfer-Encoding'))) body = Buffer.from(body, 'base64').toString('utf8');
  return { subject, text: body.replace(/\r\n/g, '\n') };
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface WebhookReceiver {
  url: string;
  caFile: string;
  posts: Array<{ path: string; contentType: string | undefined; body: unknown }>;
  stop(): Promise<void>;
}

/** An HTTPS receiver; `answer: false` accepts each request and never answers (a slow service). */
export async function startWebhookReceiver(options: { answer: boolean } = { answer: true }): Promise<WebhookReceiver> {
  const cert = makeServerCert(testCa(), `webhook-${process.pid}-${Date.now()}`);
  const posts: WebhookReceiver['posts'] = [];
  const server: Server = createHttpsServer({ key: readFileSync(cert.keyFile), cert: readFileSync(cert.certFile) }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      posts.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
      });
      if (options.answer) response.writeHead(202).end('1');
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    url: `https://127.0.0.1:${port}/webhookb2/secret-webhook-token-1234`,
    caFile: testCa().certFile,
    posts,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port on which nothing listens: a receiver that is down. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
