// The text of an Officevibe CSV file, decoded as the original Enterprise Sync Tool read it. Pure.
//
// The original tool required UTF-8 with a BOM: without it, PowerShell 5.1 read the file in the
// Windows code page and mangled accented names. roster checks that by default. --ignore-encoding
// bypasses the check as the original's switch did, and then reads what PowerShell would have
// read correctly: UTF-16 with a BOM as UTF-16, a file without a BOM as UTF-8 when it is valid
// UTF-8, and otherwise as Windows-1252 (the ANSI code page of Western Windows), with a warning.
import { isUtf8 } from 'node:buffer';
import { at } from './files.js';

export type Decoded = { text: string; warning?: string } | { problem: string };

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const SAVE_AS = 'save it as "CSV UTF-8" in Excel or with Export-Csv -Encoding UTF8';

export function decodeCsv(bytes: Uint8Array, file: string, options: { ignoreEncoding: boolean }): Decoded {
  if (bytes.length === 0) return { problem: `${file} is empty: expected at least the header line` };
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  const hasBom = UTF8_BOM.every((byte, index) => bytes[index] === byte);
  if (!options.ignoreEncoding) {
    if (utf16 !== undefined) {
      return {
        problem: `${file} is UTF-16 text (what PowerShell's Out-File writes), not UTF-8 with BOM: ${SAVE_AS}, or pass --ignore-encoding to read it as UTF-16`,
      };
    }
    if (!hasBom) {
      const found = isUtf8(bytes) ? 'UTF-8 without a BOM' : 'not UTF-8 at all (probably Windows-1252, the ANSI code page)';
      return {
        problem: `${file} is not UTF-8 with BOM, the format the original tool requires (this file is ${found}): ${SAVE_AS}, or pass --ignore-encoding to read it as it is`,
      };
    }
  }
  if (utf16 !== undefined) {
    try {
      return { text: new TextDecoder(utf16, { fatal: true }).decode(bytes) }; // the decoder drops the BOM
    } catch {
      return { problem: `${file} starts with a UTF-16 BOM but is not UTF-16 text: ${SAVE_AS}` };
    }
  }
  const body = hasBom ? bytes.subarray(3) : bytes;
  if (isUtf8(body)) return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(body) };
  if (hasBom) {
    // A BOM promises UTF-8: guessing a code page here would hide a damaged file.
    const lenient = new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
    const line = lenient.slice(0, Math.max(0, lenient.indexOf('\uFFFD'))).split('\n').length;
    return { problem: at(file, line, `not UTF-8 text although the file starts with a UTF-8 BOM: ${SAVE_AS}`) };
  }
  return {
    text: decodeWindows1252(body),
    warning: `${file} is not UTF-8: read as Windows-1252 (the ANSI code page of Western Windows); check accented names in the request (--dump-request)`,
  };
}

// Windows-1252 is ISO-8859-1 but for 0x80-0x9F, which hold €, curly quotes, Š, Ž, œ and more.
// Node's TextDecoder('windows-1252') decodes those bytes as ISO-8859-1's control characters, so
// they are mapped here (the five bytes Windows-1252 leaves undefined stay as they are).
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  return text;
}
