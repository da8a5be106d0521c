// The one TLS policy for every HTTPS call roster makes (token, upload, API): TLS 1.2 or newer,
// certificates always verified, and an optional extra CA for a private or inspecting proxy CA.
import { readFileSync } from 'node:fs';
import { rootCertificates, type ConnectionOptions } from 'node:tls';
import { ConfigError } from '../../errors.js';

export interface TlsPolicy {
  /** PEM file of an extra CA to trust, added to the system's roots. */
  caFile: string | undefined;
  /** The config key that named caFile, for messages. */
  caFileKey: string;
}

export function tlsConnectionOptions(policy: TlsPolicy): ConnectionOptions {
  const options: ConnectionOptions = { minVersion: 'TLSv1.2', rejectUnauthorized: true };
  if (policy.caFile !== undefined) options.ca = [...rootCertificates, readPem(policy.caFile, policy.caFileKey)];
  return options;
}

function readPem(file: string, key: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`${key} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(file, [`${key} holds no PEM certificate`]);
  return pem;
}
