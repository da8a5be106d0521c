// Small HTTP plumbing shared by the sandbox's endpoints: JSON answers, reading a whole request
// body with a size limit, and the fault-injection slots behind `failNextUploads` and
// `failNextTokens` (the next N requests get a chosen status and optional `Retry-After`).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Fault {
  remaining: number;
  status: number;
  retryAfterSeconds?: number;
  /** Answer with an HTML page (what a proxy, captive portal or sign-in page sends) instead of JSON. */
  html?: boolean;
  /** Answer with this JSON instead of the injected-fault error. */
  body?: unknown;
}

/** One endpoint's pending injected fault, if any. */
export class FaultSlot {
  private fault: Fault | undefined;

  set(count: number, status: number, retryAfterSeconds?: number, html = false, body?: unknown): void {
    this.fault = {
      remaining: count,
      status,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      ...(html ? { html } : {}),
      ...(body !== undefined ? { body } : {}),
    };
  }

  /** The fault to apply to this request (and one fewer remaining), or undefined. */
  take(): Fault | undefined {
    const fault = this.fault;
    if (!fault || fault.remaining <= 0) return undefined;
    fault.remaining--;
    return fault;
  }
}

export const faultHeaders = (fault: Fault): Record<string, string> =>
  fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Reads the whole body; stops storing (but keeps draining) past `limit`. */
export async function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; bytes: number; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes <= limit) chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks), bytes, tooLarge: bytes > limit };
}

/** A page such as a captive portal or a proxy's sign-in sends: HTML, no JSON anywhere. */
export const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Sign in to continue</h1><form method="post" action="/login"><input name="user"></form></body></html>\n';

export function sendHtml(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(HTML_PAGE), 'cache-control': 'no-store' });
  res.end(HTML_PAGE);
}
