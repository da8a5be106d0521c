// Object identifiers (ASN.1 OBJECT IDENTIFIER content octets) to and from dotted text: GSSAPI names
// mechanisms and name types by OID, and a certificate names its signature algorithm so. Pure.

/** An OBJECT IDENTIFIER's content octets as dotted text. */
export function oidText(bytes: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

/** Dotted text as an OBJECT IDENTIFIER's content octets (for GSSAPI's OID structures). */
export function oidBytes(text: string): Buffer {
  const [a = 0, b = 0, ...rest] = text.split('.').map(Number);
  const bytes: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const group = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) group.unshift((value & 0x7f) | 0x80);
    bytes.push(...group);
  }
  return Buffer.from(bytes);
}
