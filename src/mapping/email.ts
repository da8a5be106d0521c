// roster's email rule, the one for every file it reads or writes (the iLobby CSV from the
// directory or from `roster upload`, Officevibe's users.csv and config): both services match
// people by email, case-insensitively, so an email is trimmed and lower-cased, and a value that
// cannot be an address is never sent. Pure.

// Deliberately plain: a local part and a dotted domain, no spaces, exactly one @.
const EMAIL_SYNTAX = /^[^\s@",;<>()[\]\\]+@[^\s@",;<>()[\]\\.]+(\.[^\s@",;<>()[\]\\.]+)+$/;
// No address holds a control character (C0, DEL, C1), an invisible one (zero-width, bidi
// controls, soft hyphen) or any kind of space: in a directory they are typing or paste accidents,
// and pushed they make a person the service cannot match, printed they can forge log lines.
const NOT_IN_ADDRESS = /[\p{Cc}\p{Cf}\p{Z}\p{Cs}]/u;
// RFC 5321 §4.5.3.1: a local part of at most 64 octets, a path of at most 256 (so 254 for the address).
const MAX_LOCAL_PART_OCTETS = 64;
const MAX_ADDRESS_OCTETS = 254;

/** An email as roster compares and writes it: trimmed, lower-cased. */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** Whether a normalised email looks like an address. */
export function isValidEmail(email: string): boolean {
  if (Buffer.byteLength(email, 'utf8') > MAX_ADDRESS_OCTETS) return false;
  if (!EMAIL_SYNTAX.test(email) || NOT_IN_ADDRESS.test(email)) return false;
  const local = email.slice(0, email.indexOf('@'));
  // A dot may only separate words of the local part (RFC 5321 Dot-string).
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  return Buffer.byteLength(local, 'utf8') <= MAX_LOCAL_PART_OCTETS;
}
