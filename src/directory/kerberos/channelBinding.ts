// TLS channel binding for the Kerberos bind, "tls-server-end-point" (RFC 5929 4.1): a hash of the
// domain controller's certificate, which the client puts in its Kerberos authenticator. A DC that
// enforces LDAP channel binding (LdapEnforceChannelBinding) checks that it matches the certificate
// it presented itself, so a bind relayed through another TLS connection fails. Pure.
import { createHash } from 'node:crypto';
import { oidText } from './oid.js';

const PREFIX = 'tls-server-end-point:';

// Signature algorithms by OID, and the hash each signs with.
const SIGNATURE_HASHES: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5', // md5WithRSAEncryption
  '1.2.840.113549.1.1.5': 'sha1', // sha1WithRSAEncryption
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.10045.4.1': 'sha1', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.10040.4.3': 'sha1', // dsa-with-sha1
  '2.16.840.1.101.3.4.3.2': 'sha256', // dsa-with-sha256
};
const RSASSA_PSS = '1.2.840.113549.1.1.10';
// The hash algorithms RSASSA-PSS parameters name.
const DIGESTS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '2.16.840.1.101.3.4.2.4': 'sha224',
};

/**
 * The hash RFC 5929 takes for a certificate: the one its signature uses, except MD5 and SHA-1,
 * which become SHA-256. A signature without a hash of its own (Ed25519, Ed448) is hashed with
 * SHA-256 too, as Windows does.
 */
export function endPointHash(certificate: Buffer): string {
  const { oid, parameters } = signatureAlgorithm(certificate);
  const hash = oid === RSASSA_PSS ? pssHash(certificate, parameters) : (SIGNATURE_HASHES[oid] ?? 'sha256');
  return hash === 'md5' || hash === 'sha1' ? 'sha256' : hash;
}

/** The channel binding's application data: "tls-server-end-point:" followed by the certificate's hash. */
export function tlsServerEndPoint(certificate: Buffer): Buffer {
  return Buffer.concat([Buffer.from(PREFIX, 'ascii'), createHash(endPointHash(certificate)).update(certificate).digest()]);
}

interface Element {
  tag: number;
  start: number;
  end: number;
}

/** The DER element at `at` in bytes. */
function element(bytes: Buffer, at: number): Element {
  if (at + 2 > bytes.length) throw new Error('the certificate is truncated');
  let start = at + 2;
  let length = bytes[at + 1]!;
  if (length >= 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('the certificate is not DER');
    length = bytes.readUIntBE(at + 2, count);
    start += count;
  }
  if (start + length > bytes.length) throw new Error('the certificate is truncated');
  return { tag: bytes[at]!, start, end: start + length };
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signature } (RFC 5280). */
function signatureAlgorithm(certificate: Buffer): { oid: string; parameters: Element | undefined } {
  const outer = element(certificate, 0);
  const tbs = element(certificate, outer.start);
  const algorithm = element(certificate, tbs.end);
  const oid = element(certificate, algorithm.start);
  if (oid.tag !== 0x06) throw new Error('the certificate names no signature algorithm');
  return { oid: oidText(certificate.subarray(oid.start, oid.end)), parameters: oid.end < algorithm.end ? element(certificate, oid.end) : undefined };
}

/** RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, … } (RFC 4055). */
function pssHash(certificate: Buffer, parameters: Element | undefined): string {
  if (parameters === undefined || parameters.tag !== 0x30 || parameters.start === parameters.end) return 'sha1';
  const first = element(certificate, parameters.start);
  if (first.tag !== 0xa0) return 'sha1';
  const algorithm = element(certificate, first.start);
  const oid = element(certificate, algorithm.start);
  return DIGESTS[oidText(certificate.subarray(oid.start, oid.end))] ?? 'sha256';
}
