// The multipart CSV upload endpoint (`POST /addressbook/uploadcsv`): records every attempt on
// arrival (refused ones too, so tests can prove nothing was uploaded), parses the multipart body
// even when it is going to be refused, then checks — in the service's order — injected faults,
// the Bearer token, size, the single `file` part, its .csv name, UTF-8, CSV syntax and the exact
// header, before handing the rows to the address book.
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { CsvSyntaxError, parseCsv } from '../csv.js';
import { faultHeaders, type FaultSlot, HTML_PAGE, readBody, sendHtml, sendJson } from './http.js';
import { ILOBBY_HEADER, type SandboxClient, type UploadRecord } from './types.js';

export const UPLOAD_PATH = '/addressbook/uploadcsv';

interface FilePart {
  fieldName: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

interface Multipart {
  files: FilePart[];
  fields: Record<string, string>;
}

function parseMultipart(headers: IncomingMessage['headers'], body: Buffer): Promise<Multipart> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers, limits: { files: 20, fields: 50, fileSize: 64 * 1024 * 1024 } });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const files: FilePart[] = [];
    const fields: Record<string, string> = {};
    const pending: Promise<void>[] = [];
    bb.on('file', (fieldName, stream, info) => {
      pending.push(
        new Promise<void>((done, fail) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', fail);
          stream.on('end', () => {
            files.push({ fieldName, filename: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(chunks) });
            done();
          });
        }),
      );
    });
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('error', reject);
    bb.on('close', () => {
      Promise.all(pending).then(() => resolve({ files, fields }), reject);
    });
    bb.end(body);
  });
}

export interface UploadEndpointOptions {
  /** Every attempt is appended here on arrival. */
  uploads: UploadRecord[];
  /** Largest accepted body; larger → 413. */
  maxUploadBytes: number;
  faults: FaultSlot;
  /** Looks up a bearer token issued by the token endpoint. */
  findToken: (value: string) => Promise<{ clientId: string } | undefined>;
  clientById: Map<string, SandboxClient>;
  /** Applies the data rows (header removed) of an accepted file for this client; returns the answer's body. */
  applyRows: (rows: { line: number; fields: string[] }[], client: SandboxClient) => unknown;
}

export function uploadHandler(options: UploadEndpointOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { uploads, maxUploadBytes, faults, findToken, clientById, applyRows } = options;

  async function handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record: UploadRecord = { at: new Date(), status: 0, bytes: 0 };
    if (req.headers['content-type']) record.requestContentType = req.headers['content-type'];
    uploads.push(record);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      record.response = body;
      sendJson(res, status, body, headers);
    };

    const { body, bytes, tooLarge } = await readBody(req, maxUploadBytes);
    record.bytes = bytes;

    // Parse what was sent even if it is going to be refused, so the record shows it.
    let multipart: Multipart | undefined;
    let multipartError: string | undefined;
    if (!tooLarge) {
      try {
        multipart = await parseMultipart(req.headers, body);
      } catch (err) {
        multipartError = (err as Error).message;
      }
    }
    const filePart = multipart?.files.find((f) => f.fieldName === 'file') ?? multipart?.files[0];
    let text: string | undefined;
    let utf8Error = false;
    if (filePart) {
      record.fieldName = filePart.fieldName;
      record.filename = filePart.filename;
      record.contentType = filePart.mimeType;
      record.bom = filePart.data.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]));
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(filePart.data);
        record.csv = text;
      } catch {
        utf8Error = true;
        record.csv = filePart.data.toString('latin1');
      }
    }

    const fault = faults.take();
    if (fault?.html) {
      // Something in front of the service answered; the address book never saw the file.
      record.status = fault.status;
      record.response = HTML_PAGE;
      sendHtml(res, fault.status);
      return;
    }
    if (fault) {
      answer(fault.status, fault.body ?? { error: 'sandbox: injected fault' }, faultHeaders(fault));
      return;
    }

    // Bearer token issued by the provider.
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const token = match ? await findToken(match[1]!) : undefined;
    const client = token ? clientById.get(token.clientId) : undefined;
    if (!token || !client) {
      answer(
        401,
        { error: 'invalid_token', message: match ? 'the access token is invalid or expired' : 'a Bearer access token is required' },
        {
          'www-authenticate': match ? 'Bearer error="invalid_token"' : 'Bearer',
        },
      );
      return;
    }
    record.clientId = client.clientId;

    if (tooLarge) {
      answer(413, { error: `request body larger than ${maxUploadBytes} bytes` });
      return;
    }
    if (!multipart) {
      answer(400, { error: `the request must be multipart/form-data: ${multipartError ?? 'unreadable body'}` });
      return;
    }
    const fileParts = multipart.files.filter((f) => f.fieldName === 'file');
    if (fileParts.length === 0) {
      answer(400, { error: `no file part named "file" (file parts: ${multipart.files.map((f) => f.fieldName).join(', ') || 'none'})` });
      return;
    }
    if (fileParts.length > 1) {
      answer(400, { error: 'more than one part named "file"' });
      return;
    }
    if (!/\.csv$/i.test(filePart!.filename)) {
      answer(400, { error: `the file name must end with .csv (got "${filePart!.filename}")` });
      return;
    }
    if (utf8Error || text === undefined) {
      answer(400, { error: 'the file is not valid UTF-8' });
      return;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    record.csv = text;

    let rows;
    try {
      rows = parseCsv(text);
    } catch (err) {
      if (err instanceof CsvSyntaxError) {
        answer(400, { error: `CSV syntax error on ${err.message}`, line: err.line });
        return;
      }
      throw err;
    }
    const header = rows.shift();
    if (!header || header.fields.join(',') !== ILOBBY_HEADER.join(',')) {
      answer(400, {
        error: `the header must be exactly ${ILOBBY_HEADER.join(',')}`,
        got: header?.fields.join(',') ?? '',
      });
      return;
    }

    answer(200, applyRows(rows, client));
  }

  return handleUpload;
}
