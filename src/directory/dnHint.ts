// What looks wrong in a search base the server refused as "invalid DN syntax", so the message can
// point at the part to fix instead of only repeating the server's words (Samba: "invalid basedn
// '(null)'"). Used only after the server refused the DN: the server stays the judge of what is
// valid (Active Directory also takes <GUID=…> and <SID=…> forms that a client-side check would
// have to know). Pure.
import { splitUnescaped } from './dn.js';

/** The first thing that looks wrong in `dn`, in words; undefined when nothing obvious is. */
export function dnProblem(dn: string): string | undefined {
  if (dn.trim() === '') return 'it is empty';
  const parts = splitUnescaped(dn, ',');
  if (parts.length === 1 && splitUnescaped(dn, ';').length > 1) return 'its parts are separated by ";"; separate them with ","';
  for (const [index, part] of parts.entries()) {
    if (part.trim() === '') return `part ${index + 1} is empty (two commas in a row, or a comma at the start or end)`;
    for (const rdn of splitUnescaped(part, '+')) {
      const equals = rdn.indexOf('=');
      if (equals === -1) return `the part "${rdn.trim()}" has no "=" (each part is NAME=value, e.g. OU=${rdn.trim() || 'Staff'})`;
      const type = rdn.slice(0, equals).trim();
      if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/.test(type)) return `"${type}" in "${rdn.trim()}" is not an attribute name (e.g. OU, CN, DC)`;
      if (rdn.slice(equals + 1).trim() === '') return `the part "${rdn.trim()}" has no value`;
      if (/(^|[^\\])[;"<>]/.test(rdn.slice(equals + 1))) return `the value in "${rdn.trim()}" holds ; " < or > without a backslash before it`;
    }
  }
  return undefined;
}
