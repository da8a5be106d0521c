// A local stand-in for Officevibe's sync API, good enough to run `roster officevibe push` end to end:
//
//   POST https://127.0.0.1:PORT/api/v2/sync    the Enterprise Sync Tool's JSON request, Bearer API key
//
// HTTPS with a certificate from a throwaway CA (`caFile`), TLS 1.2 or newer. It behaves like the
// service: a wrong or missing key is answered 200 with an HTML sign-in page (not a 401), or with a
// redirect to it (`signInRedirect`); a request
// is the full state: people are identified by email (trimmed, any case), as Officevibe does, so a
// user whose email is missing from it is deactivated (and comes back when present again) while a
// new id with a known email is the same person; groups are matched by id (a renamed group keeps its id and its members), a subGroupId line
// nests a group, and the answer is {isSuccess, errors[]}. Requests that break the rules (unknown
// ids, duplicates, a nesting cycle) are refused with isSuccess false and nothing applied, as a
// full-state sync must. Every request is recorded with its raw body; faults can be injected.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { makeCa, makeServerCert, type CertificateAuthority } from '../harness/certs.js';

export const SYNC_PATH = '/api/v2/sync';
export const DEFAULT_API_KEY = 'ov-fixture-key-7c1e93b04d5a';

export interface OfficevibeSandboxOptions {
  /** The key the service accepts (default: the one in fixtures/officevibe/config.json). */
  apiKey?: string;
  ca?: CertificateAuthority;
  /** Answer a wrong key with a 302 to the sign-in page instead of the page itself. */
  signInRedirect?: boolean;
}

export type UserStatus = 'created' | 'invited' | 'deactivated';

export interface SandboxUser {
  id: string;
  email: string;
  /** Every field of the last request that named this user. */
  fields: Record<string, unknown>;
  /** 'created' (not invited: inviteNewUsers false), 'invited', or 'deactivated' (missing from a sync). */
  status: UserStatus;
}

export interface SandboxGroup {
  id: string;
  name: string;
  /** The group it is nested in, by a subGroupId line. */
  parentId: string | undefined;
  members: string[];
  managers: string[];
}

export interface SyncRecord {
  at: Date;
  /** 0 until answered. */
  status: number;
  /** Whether the Bearer key was the sandbox's. */
  keyAccepted: boolean;
  authorization: string | undefined;
  contentType: string | undefined;
  /** The body exactly as received. */
  body: string;
  json: unknown;
  response: unknown;
}

export interface OfficevibeSandbox {
  /** https://127.0.0.1:PORT: what config.json's ApiUrl points at. */
  readonly apiUrl: string;
  readonly syncUrl: string;
  readonly caFile: string;
  readonly apiKey: string;
  /** Every POST to the sync endpoint, oldest first. */
  readonly requests: SyncRecord[];
  users(): SandboxUser[];
  groups(): SandboxGroup[];
  /** The next `count` syncs are answered {isSuccess: false, errors} and not applied. */
  refuseNext(count: number, errors: unknown[]): void;
  /** The next `count` syncs get `status` (and Retry-After), without being applied. */
  failNext(count: number, status: number, retryAfterSeconds?: number): void;
  stop(): Promise<void>;
}

const LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in | Officevibe</title></head>
<body><form method="post" action="/login"><h1>Sign in to Officevibe</h1>
<input name="email" type="email"><input name="password" type="password"><button>Sign in</button></form></body></html>
`;

let defaultCa: CertificateAuthority | undefined;

export async function startOfficevibeSandbox(options: OfficevibeSandboxOptions = {}): Promise<OfficevibeSandbox> {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const ca = options.ca ?? (defaultCa ??= makeCa('Officevibe sandbox CA'));
  const cert = makeServerCert(ca, 'officevibe-sandbox', ['localhost', '127.0.0.1']);
  const users = new Map<string, SandboxUser>();
  const groups = new Map<string, SandboxGroup>();
  const requests: SyncRecord[] = [];
  let refusal: { remaining: number; errors: unknown[] } | undefined;
  let fault: { remaining: number; status: number; retryAfterSeconds: number | undefined } | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'https://sandbox').pathname;
    const body = await readBody(req);
    if (path !== SYNC_PATH || req.method !== 'POST') {
      send(res, 404, 'application/json', { isSuccess: false, errors: [`no route for ${req.method} ${path}`] });
      return;
    }
    const record: SyncRecord = {
      at: new Date(),
      status: 0,
      keyAccepted: req.headers.authorization === `Bearer ${apiKey}`,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
      json: undefined,
      response: undefined,
    };
    requests.push(record);
    const answer = (status: number, contentType: string, response: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      record.response = response;
      send(res, status, contentType, response, headers);
    };
    if (!record.keyAccepted) {
      if (options.signInRedirect) return answer(302, 'text/html; charset=utf-8', '', { location: '/Account/Login?ReturnUrl=%2Fapi%2Fv2%2Fsync' });
      return answer(200, 'text/html; charset=utf-8', LOGIN_PAGE);
    }
    if (fault !== undefined && fault.remaining > 0) {
      fault.remaining -= 1;
      return answer(
        fault.status,
        'application/json',
        { isSuccess: false, errors: ['sandbox: injected fault'] },
        fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) },
      );
    }
    try {
      record.json = JSON.parse(body);
    } catch (error) {
      return answer(400, 'application/json', { isSuccess: false, errors: [`the body is not JSON: ${(error as Error).message}`] });
    }
    if (refusal !== undefined && refusal.remaining > 0) {
      refusal.remaining -= 1;
      return answer(200, 'application/json', { isSuccess: false, errors: refusal.errors });
    }
    const errors = apply(record.json);
    answer(200, 'application/json', { isSuccess: errors.length === 0, errors });
  }

  /** Applies a full-state sync, or returns why it cannot be applied (then nothing changes). */
  function apply(request: unknown): string[] {
    const errors = checkRequest(request);
    if (errors.length > 0) return errors;
    const { settings, users: sentUsers, groups: sentGroups, mappings } = request as ValidRequest;
    const present = new Set<string>();
    for (const user of sentUsers) {
      const key = user.email.trim().toLowerCase();
      present.add(key);
      const existing = users.get(key);
      const status: UserStatus =
        existing !== undefined && existing.status !== 'deactivated'
          ? existing.status
          : existing !== undefined
            ? 'created'
            : settings.inviteNewUsers
              ? 'invited'
              : 'created';
      users.set(key, { id: user.id, email: user.email, fields: { ...user }, status });
    }
    for (const [key, user] of users) if (!present.has(key)) user.status = 'deactivated';
    const next = new Map<string, SandboxGroup>();
    for (const group of sentGroups) next.set(group.id, { id: group.id, name: group.name, parentId: undefined, members: [], managers: [] });
    for (const m of mappings) {
      const group = next.get(m.groupId)!;
      if (m.subGroupId) next.get(m.subGroupId)!.parentId = m.groupId;
      else if (m.userId) {
        if (m.isMember) group.members.push(m.userId);
        if (m.isManager) group.managers.push(m.userId);
      }
    }
    groups.clear();
    for (const [id, group] of next) groups.set(id, group);
    return [];
  }

  const tlsOptions: https.ServerOptions = { key: readFileSync(cert.keyFile), cert: readFileSync(cert.certFile), minVersion: 'TLSv1.2' };
  const sockets = new Set<Socket>();
  const server = https.createServer(tlsOptions, (req, res) => {
    handle(req, res).catch((error: Error) => send(res, 500, 'application/json', { isSuccess: false, errors: [`sandbox bug: ${error.message}`] }));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const apiUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopping: Promise<void> | undefined;
  return {
    apiUrl,
    syncUrl: `${apiUrl}${SYNC_PATH}`,
    caFile: ca.certFile,
    apiKey,
    requests,
    users: () => [...users.values()].map((u) => structuredClone(u)),
    groups: () => [...groups.values()].map((g) => structuredClone(g)),
    refuseNext(count, errors) {
      refusal = { remaining: count, errors };
    },
    failNext(count, status, retryAfterSeconds) {
      fault = { remaining: count, status, retryAfterSeconds };
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return stopping;
    },
  };
}

interface ValidRequest {
  settings: { syncManagerEmail: string; inviteNewUsers: boolean };
  users: ({ id: string; email: string } & Record<string, unknown>)[];
  groups: { id: string; name: string }[];
  mappings: { groupId: string; userId: string | null; subGroupId: string | null; isMember: boolean | null; isManager: boolean | null }[];
}

/** The service's own checks: the request must be applicable as a whole. */
function checkRequest(request: unknown): string[] {
  const r = request as Partial<ValidRequest> | null;
  if (typeof r !== 'object' || r === null) return ['the request must be a JSON object'];
  const errors: string[] = [];
  if (typeof r.settings?.syncManagerEmail !== 'string' || typeof r.settings.inviteNewUsers !== 'boolean') {
    errors.push('settings must hold syncManagerEmail (text) and inviteNewUsers (true or false)');
  }
  if (!Array.isArray(r.users) || !Array.isArray(r.groups) || !Array.isArray(r.mappings)) return [...errors, 'users, groups and mappings must be lists'];
  const userIds = new Set<string>();
  const emails = new Set<string>();
  for (const user of r.users) {
    if (typeof user?.id !== 'string' || typeof user.email !== 'string') errors.push(`a user needs an id and an email: ${JSON.stringify(user)}`);
    else if (userIds.has(user.id)) errors.push(`user id ${user.id} appears twice`);
    else if (emails.has(user.email.toLowerCase())) errors.push(`email ${user.email} appears twice`);
    else {
      userIds.add(user.id);
      emails.add(user.email.toLowerCase());
    }
  }
  const groupIds = new Set<string>();
  for (const group of r.groups) {
    if (typeof group?.id !== 'string' || typeof group.name !== 'string' || group.name === '')
      errors.push(`a group needs an id and a name: ${JSON.stringify(group)}`);
    else if (groupIds.has(group.id)) errors.push(`group id ${group.id} appears twice`);
    else groupIds.add(group.id);
  }
  const parent = new Map<string, string>();
  for (const m of r.mappings) {
    if (!groupIds.has(m?.groupId)) errors.push(`mapping to unknown group ${String(m?.groupId)}`);
    else if (m.userId && !userIds.has(m.userId)) errors.push(`mapping of unknown user ${m.userId}`);
    else if (m.subGroupId && !groupIds.has(m.subGroupId)) errors.push(`nesting of unknown group ${m.subGroupId}`);
    else if (!m.userId && !m.subGroupId) errors.push(`mapping without userId or subGroupId in group ${m.groupId}`);
    else if (m.subGroupId) parent.set(m.subGroupId, m.groupId);
  }
  for (const start of parent.keys()) {
    const seen = new Set<string>();
    for (let group: string | undefined = start; group !== undefined; group = parent.get(group)) {
      if (seen.has(group)) {
        errors.push(`group ${start} is nested in itself`);
        break;
      }
      seen.add(group);
    }
  }
  return errors;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
