// Binary attributes are never decoded as text: a photo or certificate in the CSV would be
// garbage. The few binary values that have a standard text form (GUIDs, SIDs) get that form;
// every other binary value is left out. Pure.

/** Binary attributes of Active Directory and OpenLDAP, by the names servers return. */
const BINARY_ATTRIBUTES = [
  'objectGUID',
  'objectSid',
  'sIDHistory',
  'tokenGroups',
  'msExchMailboxGuid',
  'msExchArchiveGUID',
  'mS-DS-ConsistencyGuid',
  'thumbnailPhoto',
  'jpegPhoto',
  'photo',
  'thumbnailLogo',
  'userCertificate',
  'userSMIMECertificate',
  'cACertificate',
  'logonHours',
  'msDS-GenerationId',
  'userPKCS12',
  'audio',
  'msExchSafeSendersHash',
  'msExchBlockedSendersHash',
] as const;

const BINARY = new Set<string>(BINARY_ATTRIBUTES.map((name) => name.toLowerCase()));
const GUIDS = new Set(['objectguid', 'msexchmailboxguid', 'msexcharchiveguid', 'ms-ds-consistencyguid']);
const SIDS = new Set(['objectsid', 'sidhistory']);

/**
 * Whether the values of attribute `name` (any case, as a server returns it or a config names it)
 * are bytes rather than text: a listed attribute, with or without options, or any attribute
 * carrying the `;binary` option (RFC 4522), which a server uses only for binary values. The one
 * rule for the directory readers and the config checks alike.
 */
export function isBinaryAttribute(name: string): boolean {
  const key = name.toLowerCase();
  const options = key.indexOf(';');
  // Most names carry no option: one lookup, no allocation (this runs for every attribute of every entry).
  if (options === -1) return BINARY.has(key);
  return BINARY.has(key.slice(0, options)) || key.slice(options).split(';').includes('binary');
}

/** The text form of a binary value, or undefined when it has none. */
export function binaryAsText(name: string, value: Buffer): string | undefined {
  const key = name.toLowerCase();
  const options = key.indexOf(';');
  const base = options === -1 ? key : key.slice(0, options);
  if (GUIDS.has(base) && value.length === 16) return guidText(value);
  if (SIDS.has(base)) return sidText(value);
  return undefined;
}

/**
 * A GUID as AD tools (and PowerShell's [guid]) show it: AD stores the first three groups
 * little-endian, so the bytes read 3 2 1 0 - 5 4 - 7 6 - 8 9 - 10..15. Throws for anything but 16 bytes.
 */
export function guidText(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`a GUID has 16 bytes, this one ${bytes.length} bytes`);
  const hex = (indexes: number[]) => indexes.map((i) => bytes[i]!.toString(16).padStart(2, '0')).join('');
  return [hex([3, 2, 1, 0]), hex([5, 4]), hex([7, 6]), hex([8, 9]), hex([10, 11, 12, 13, 14, 15])].join('-');
}

/** S-1-5-21-…: revision, 48-bit authority (big-endian), then 32-bit little-endian sub-authorities. */
export function sidText(bytes: Buffer): string | undefined {
  if (bytes.length < 8) return undefined;
  const count = bytes[1] ?? 0;
  if (bytes.length !== 8 + count * 4) return undefined;
  const authority = bytes.readUIntBE(2, 6);
  const subAuthorities = Array.from({ length: count }, (_, i) => bytes.readUInt32LE(8 + i * 4));
  return `S-${bytes[0]}-${authority}${subAuthorities.map((s) => `-${s}`).join('')}`;
}

/** A value ldapts decoded as text that was not valid UTF-8 (it holds U+FFFD): binary in disguise. */
export function isUndecodable(value: string): boolean {
  return value.includes('\uFFFD');
}
