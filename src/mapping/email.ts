// roster's email rule, the one for every file it reads or writes (the iLobby CSV from the
// directory or from `roster upload`, Officevibe's users.csv and config): both services match
// people by email, case-insensitively, so an email is trimmed and lower-cased, and a value that
// cannot be an address is never sent. Pure.

// Deliberately plain: a local part and a dotted domain, no spaces, exactly one @.
const EMAIL_SYNTAX = /^[^\s@",;<>()[\]\\]+@[^\s@",;<>()[\]\\.]+(\.[^\s@",;<>()[\]\\.]+)+$/;

/** An email as roster compares and writes it: trimmed, lower-cased. */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** Whether a normalised email looks like an address. */
export function isValidEmail(email: string): boolean {
  return EMAIL_SYNTAX.test(email);
}
