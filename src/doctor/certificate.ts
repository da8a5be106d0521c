// What `roster check` says about a server's TLS certificate: subject, issuer, validity. Pure.
import type { PeerCertificate } from 'node:tls';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: Date;
  validTo: Date;
  /** e.g. "DNS:dc1.corp.example.com, IP Address:10.0.0.5" */
  altNames: string | undefined;
}

/** Warn this many days before a certificate expires: time enough to renew it. */
export const RENEW_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

export function certificateInfo(peer: PeerCertificate | undefined): CertificateInfo | undefined {
  if (peer === undefined || peer.valid_to === undefined) return undefined;
  return {
    subject: distinguishedName(peer.subject),
    issuer: distinguishedName(peer.issuer),
    validFrom: new Date(peer.valid_from),
    validTo: new Date(peer.valid_to),
    altNames: peer.subjectaltname,
  };
}

/** `{ CN: 'dc1', O: 'Corp' }` → "CN=dc1, O=Corp" (multi-valued parts joined with "+"). */
export function distinguishedName(name: Record<string, string | string[] | undefined> | undefined): string {
  const parts = Object.entries(name ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`);
  return parts.length > 0 ? parts.join(', ') : '(empty)';
}

export interface Validity {
  text: string;
  /** Whole days until expiry; negative once expired. */
  daysLeft: number;
  valid: boolean;
}

export function validityOf(info: CertificateInfo, now: Date): Validity {
  const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
  const daysLeft = Math.floor((info.validTo.getTime() - now.getTime()) / DAY_MS);
  if (now < info.validFrom) return { text: `not valid before ${isoDate(info.validFrom)}`, daysLeft, valid: false };
  if (info.validTo <= now) {
    return { text: `expired on ${isoDate(info.validTo)} (${days(Math.floor((now.getTime() - info.validTo.getTime()) / DAY_MS))} ago)`, daysLeft, valid: false };
  }
  return { text: `valid until ${isoDate(info.validTo)} (${days(daysLeft)} left)`, daysLeft, valid: true };
}

export function describeCertificate(info: CertificateInfo, now: Date): string {
  return `certificate ${info.subject}, issued by ${info.issuer}, ${validityOf(info, now).text}`;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
