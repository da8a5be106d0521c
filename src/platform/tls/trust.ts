// Which certificates roster trusts, for every TLS connection it makes: to the directory (LDAPS,
// StartTLS, `roster check`'s probes) and to the services (token, upload, Officevibe API).
//
// TLS 1.2 or newer, certificates always verified, and a configured caFile is ADDED to the roots
// Node.js trusts by default, never put in their place, for the directory and HTTPS alike:
// - the directory needs the corporate CA that issued the domain controllers' certificates, and
//   adding it gives exactly that; a DC whose certificate comes from a public CA keeps working
//   when someone sets caFile, as it does without one ("system CAs" is the documented default);
// - HTTPS through a TLS-inspecting proxy needs the proxy's CA, while hosts the proxy does not
//   inspect (an identity provider found by OpenID discovery) still present public certificates;
//   replacing the roots would break those.
// So a caFile only ever widens what is trusted, never narrows it: one behaviour to explain.
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type ConnectionOptions } from 'node:tls';
import { ConfigError, errnoText } from '../errors.js';

/**
 * TLS options with roster's trust: TLS 1.2+, verified certificates, and the CA in `caFile` (PEM,
 * if given) trusted beside the default roots. `caFileKey` is the config key that named the file
 * ("directory.caFile", "ilobby main caFile"), for messages. Throws ConfigError (exit 2) when the
 * file cannot be read or holds no certificate: a configured CA is never silently ignored.
 */
export function trustOptions(caFile: string | undefined, caFileKey: string): ConnectionOptions {
  const options: ConnectionOptions = { minVersion: 'TLSv1.2', rejectUnauthorized: true };
  if (caFile === undefined) return options;
  const pem = readCaFile(caFile, caFileKey);
  // The default context shares Node's root store, parsed once per process; adding a CA gives this
  // context its own copy of that store plus the CA. Passing `ca: [...rootCertificates, pem]`
  // instead would trust the same certificates but parse all ~140 roots again for every
  // connection (~20 ms each on this machine's Node.js 20), so that is only the fallback should
  // the native method ever go away.
  const context = createSecureContext({ minVersion: 'TLSv1.2' });
  const native = (context as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert === 'function') {
    native.addCACert(pem);
    options.secureContext = context;
  } else {
    options.ca = [...rootCertificates, pem];
  }
  return options;
}

function readCaFile(caFile: string, key: string): string {
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (error) {
    throw new ConfigError(caFile, [`${key} cannot be read: ${errnoText(error)}`], {
      hint: `Point ${key} at the PEM file of the CA that issued the server's certificate (or the TLS-inspecting proxy's CA).`,
    });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(caFile, [`${key} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`], {
      hint: 'Export the CA certificate as "Base-64 encoded X.509 (.CER)" and point caFile at that file.',
    });
  }
  return pem;
}
