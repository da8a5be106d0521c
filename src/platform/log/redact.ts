// Every secret roster reads is registered here, and every line any logger writes passes
// through redact(): a secret cannot reach a terminal, a log file or a report by accident.
//
// A secret reaches output in more shapes than its own text: a token endpoint that echoes the
// request shows it form-encoded (`my%22secret+pw`, or `%20` for a space, hex in either case), a
// JSON log line or report escapes its `"` and `\` (once, or twice when a JSON text is quoted in
// another), and an Authorization header carries it in base64 (alone, or inside `id:secret`).
// Each character of a secret therefore matches itself or any of its encodings, and its base64
// forms are matched at all three byte alignments, so the secret is found inside a longer base64 text.
//
// Short secrets: a secret is redacted wherever it appears only from SHORT_SECRET_LENGTH characters
// on. A shorter one is redacted only where it stands as a whole value — right after `=` or `:`
// (spaces allowed) or a quote, and ending at the end of the value (end of line, a quote, `&`, `,`,
// `;`, a bracket or a backslash) — which is how requests, JSON and headers carry it. Redacting it
// everywhere would blank ordinary words: a bind password `wrong` turned the message
// "invalid credentials (wrong bind DN or password)" into "([redacted] bind DN or password)".

/** Secrets this long or longer are redacted wherever they appear. */
export const SHORT_SECRET_LENGTH = 8;
export const REDACTED = '[redacted]';

const secrets = new Set<string>();
let pattern: RegExp | undefined;

export function registerSecret(value: string): void {
  if (value === '' || secrets.has(value)) return;
  secrets.add(value);
  pattern = undefined;
}

export function redact(text: string): string {
  if (secrets.size === 0) return text;
  pattern ??= secretsPattern([...secrets]);
  return text.replace(pattern, REDACTED);
}

/** One pattern for all secrets; longer alternatives first, so a secret inside another one never wins. */
export function secretsPattern(values: readonly string[]): RegExp {
  const alternatives = values.flatMap((secret) => {
    const short = [...secret].length < SHORT_SECRET_LENGTH;
    const forms = short
      ? [secret, ...spellings(secret).map((spelling) => base64(Buffer.from(spelling, 'utf8')))]
      : [secret, ...spellings(secret).flatMap(base64Forms)];
    return [...new Set(forms)].map((form) => ({ length: form.length, source: short ? asWholeValue(encodedPattern(form)) : encodedPattern(form) }));
  });
  alternatives.sort((a, b) => b.length - a.length);
  return new RegExp(alternatives.map((a) => a.source).join('|'), 'g');
}

const VALUE_START = String.raw`(?<=[=:][ \t]*|["'])`;
const VALUE_END = String.raw`(?=$|["'&,;)}\]\\\r\n])`;

function asWholeValue(source: string): string {
  return `${VALUE_START}(?:${source})${VALUE_END}`;
}

/** The text, each character as itself or as any encoding of it that output may hold. */
function encodedPattern(text: string): string {
  return [...text]
    .map((character) => {
      // Letters and digits pass every encoding unchanged.
      if (/^[A-Za-z0-9]$/.test(character)) return character;
      const forms = new Set(characterForms(character).map(escapeRegExp));
      forms.add(percentEncoded(character));
      forms.add(unicodeEscaped(character, '\\\\'));
      forms.add(unicodeEscaped(character, '\\\\\\\\'));
      return forms.size === 1 ? [...forms][0] : `(?:${[...forms].join('|')})`;
    })
    .join('');
}

/** Literal forms of one character: itself, JSON-escaped once and twice, and form-encoding's `+` for a space. */
function characterForms(character: string): string[] {
  const once = JSON.stringify(character).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  const forms = [character, once, twice];
  if (character === ' ') forms.push('+');
  if (character === '/') forms.push('\\/'); // some JSON writers escape the slash (base64 has slashes)
  return forms;
}

/** `%22`, with hex digits of either case (servers differ), one `%XX` per UTF-8 byte. */
function percentEncoded(character: string): string {
  return [...Buffer.from(character, 'utf8')].map((byte) => `%${hexDigits(byte.toString(16).padStart(2, '0'))}`).join('');
}

/** `\u0022`-style escapes (one per UTF-16 unit), after the given (regex-escaped) backslashes. */
function unicodeEscaped(character: string, backslashes: string): string {
  let source = '';
  for (let i = 0; i < character.length; i++) source += `${backslashes}u${hexDigits(character.charCodeAt(i).toString(16).padStart(4, '0'))}`;
  return source;
}

function hexDigits(hex: string): string {
  return [...hex].map((digit) => (/[a-f]/i.test(digit) ? `[${digit.toLowerCase()}${digit.toUpperCase()}]` : digit)).join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * What gets base64-encoded: the secret, or the secret form-encoded first, as HTTP Basic
 * authentication of OAuth clients does (RFC 6749 §2.3.1), by any of the usual encoders.
 */
function spellings(secret: string): string[] {
  const uri = encodeURIComponent(secret);
  const form = new URLSearchParams([['', secret]]).toString().slice(1);
  const strict = uri.replace(/[-_.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
  return [...new Set([secret, uri, form, strict])];
}

/**
 * The secret's base64 (and base64url) text alone, and the part of it that does not depend on its
 * neighbours when it sits 1 or 2 bytes into a longer value (`Basic base64(id:secret)`).
 */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>();
  for (const offset of [0, 1, 2]) {
    const encoded = base64(Buffer.concat([Buffer.alloc(offset), bytes]));
    // Character i encodes bits 6i..6i+5: keep those that lie wholly inside the secret's bytes.
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    forms.add(encoded.slice(first, end));
    if (offset === 0) forms.add(encoded);
  }
  for (const form of [...forms]) forms.add(form.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  return [...forms].filter((form) => form !== '');
}

function base64(bytes: Buffer): string {
  return bytes.toString('base64');
}
