// Comparing DNs as a directory does, without asking it: "OU=Staff, DC=corp" and "ou=staff,dc=corp"
// are one entry. Good enough to find a search base inside another and a member among people; the
// server stays the judge of what is a valid DN (dnHint.ts). Pure.

/** Splits at `separator` where it is not escaped with a backslash. */
export function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1]!;
      i += 1;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/** One spelling per DN: blanks around "=", "," and "+" dropped, letters lower-cased. */
export function normalizeDn(dn: string): string {
  return splitUnescaped(dn, ',')
    .map((rdn) =>
      splitUnescaped(rdn, '+')
        .map((part) => {
          const equals = part.indexOf('=');
          return equals === -1 ? part.trim() : `${part.slice(0, equals).trim()}=${part.slice(equals + 1).trim()}`;
        })
        .join('+'),
    )
    .join(',')
    .toLowerCase();
}

/** Whether `dn` is `base` or an entry below it (RDN by RDN: an escaped comma is no boundary). */
export function isWithin(dn: string, base: string): boolean {
  const outer = normalizeDn(base);
  if (outer === '') return true;
  const inner = splitUnescaped(normalizeDn(dn), ',');
  const suffix = splitUnescaped(outer, ',');
  if (suffix.length > inner.length) return false;
  return suffix.every((rdn, i) => inner[inner.length - suffix.length + i] === rdn);
}
