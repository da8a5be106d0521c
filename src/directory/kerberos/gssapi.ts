// MIT Kerberos through its GSSAPI library (libgssapi_krb5.so.2), called through koffi: the
// credentials of a client keytab (directory.kerberos.keytabFile or KRB5_CLIENT_KTNAME, kept in a
// ccache of this process's own) or of the ticket cache, and a security context for the
// directory's service principal. Two MIT habits are undone: it asks for integrity and
// confidentiality unless the credential says not to (GSS_KRB5_CRED_NO_CI_FLAGS_X), which Active
// Directory refuses over TLS; and under SPNEGO it hides why Kerberos failed, so the KDC is asked
// with plain Kerberos first.
import { randomUUID } from 'node:crypto';
import type { KerberosLibrary, SecurityContext } from './context.js';
import { gssProblem, KerberosError } from './failures.js';
import { callAsync, koffi, type KoffiModule } from './koffi.js';
import { oidBytes } from './oid.js';
import type { KerberosPlan } from './plan.js';

const LIBRARY = 'libgssapi_krb5.so.2';
const KRB5_MECHANISM = '1.2.840.113554.1.2.2';
const SPNEGO_MECHANISM = '1.3.6.1.5.5.2';
const KRB5_PRINCIPAL_NAME = '1.2.840.113554.1.2.2.1';
const NO_CI_FLAGS = '1.2.752.43.13.29'; // GSS_KRB5_CRED_NO_CI_FLAGS_X
const GSS_C_INITIATE = 1;
const GSS_C_MUTUAL_FLAG = 2;
const GSS_C_GSS_CODE = 1;
const GSS_C_MECH_CODE = 2;
const GSS_S_CONTINUE_NEEDED = 1;

interface GssBuffer {
  length: number | bigint;
  value: unknown;
}
type Pointer = bigint | null;

export function mitKerberos(source: KerberosPlan['source']): KerberosLibrary {
  const gss = bindings();
  // A keytab's tickets go to a ccache of this process's own, never into the user's.
  const store = source.keytab === undefined ? undefined : { client_keytab: source.keytab.replace(/^FILE:/, ''), ccache: `MEMORY:roster-${randomUUID()}` };
  return {
    name: `MIT Kerberos (${LIBRARY})`,
    source,
    async open(request) {
      const target = gss.importName(request.spn);
      try {
        if (request.mechanism === 'GSS-SPNEGO') {
          // Plain Kerberos first: the tickets land in the ccache, and its errors say what went wrong.
          const probe = new MitContext(gss, await gss.credential(KRB5_MECHANISM, store), target, KRB5_MECHANISM, request.channelBinding, false);
          try {
            await probe.step(undefined);
          } finally {
            probe.close();
          }
        }
        const mechanism = request.mechanism === 'GSSAPI' ? KRB5_MECHANISM : SPNEGO_MECHANISM;
        const credential = await gss.credential(mechanism, store);
        return new MitContext(gss, credential, target, mechanism, request.channelBinding, true);
      } catch (error) {
        gss.releaseName(target);
        throw error;
      }
    },
  };
}

class MitContext implements SecurityContext {
  private handle: Pointer[] = [null];
  private closed = false;

  constructor(
    private readonly gss: Gss,
    private readonly credential: Pointer,
    private readonly target: Pointer,
    private readonly mechanism: string,
    private readonly channelBinding: Buffer,
    /** Whether closing this context releases the target name too (the probe's does not). */
    private readonly ownsTarget: boolean,
  ) {}

  async step(input: Buffer | undefined): Promise<{ token: Buffer; complete: boolean }> {
    const { gss } = this;
    const minor = [0];
    const output: GssBuffer = { length: 0, value: null };
    const binding = { length: this.channelBinding.length, value: this.channelBinding };
    const bindings = { ia: 0, iaddr: { length: 0, value: null }, aa: 0, aaddr: { length: 0, value: null }, app: binding };
    const major = await callAsync<number>(
      gss.f.init_sec_context,
      minor,
      this.credential,
      this.handle,
      this.target,
      gss.oid(this.mechanism),
      GSS_C_MUTUAL_FLAG,
      0,
      bindings,
      input === undefined ? null : { length: input.length, value: input },
      null,
      output,
      [0],
      null,
    );
    if (major !== 0 && major !== GSS_S_CONTINUE_NEEDED) throw gss.error('Kerberos could not make the bind token', major, minor[0]!);
    return { token: gss.take(output), complete: major === 0 };
  }

  unwrap(token: Buffer): Buffer {
    const minor = [0];
    const output: GssBuffer = { length: 0, value: null };
    const major = this.gss.f.unwrap(minor, this.handle[0], { length: token.length, value: token }, output, null, null) as number;
    if (major !== 0) throw this.gss.error("Kerberos could not read the directory's security-layer offer", major, minor[0]!);
    return this.gss.take(output);
  }

  wrap(message: Buffer): Buffer {
    const minor = [0];
    const output: GssBuffer = { length: 0, value: null };
    const major = this.gss.f.wrap(minor, this.handle[0], 0, 0, { length: message.length, value: message }, null, output) as number;
    if (major !== 0) throw this.gss.error('Kerberos could not sign the security-layer answer', major, minor[0]!);
    return this.gss.take(output);
  }

  principal(): string | undefined {
    const minor = [0];
    const name: Pointer[] = [null];
    if (this.handle[0] === null || this.gss.f.inquire_context(minor, this.handle[0], name, null, null, null, null, null, null) !== 0) return undefined;
    try {
      const output: GssBuffer = { length: 0, value: null };
      return this.gss.f.display_name(minor, name[0], output, null) === 0 ? this.gss.take(output).toString('utf8') : undefined;
    } finally {
      this.gss.releaseName(name[0] ?? null);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.handle[0] !== null) this.gss.f.delete_sec_context([0], this.handle, null);
    this.handle = [null];
    this.gss.releaseCredential(this.credential);
    if (this.ownsTarget) this.gss.releaseName(this.target);
  }
}

type Gss = ReturnType<typeof declare>;
let declared: Gss | undefined;

function bindings(): Gss {
  declared ??= declare(koffi());
  return declared;
}

function declare(k: KoffiModule) {
  let lib: ReturnType<KoffiModule['load']>;
  try {
    lib = k.load(LIBRARY);
  } catch (error) {
    throw new KerberosError('library', `the system's Kerberos library ${LIBRARY} could not be loaded: ${(error as Error).message}`, { cause: error });
  }
  k.struct('gss_buffer_desc', { length: 'size_t', value: 'void *' });
  k.struct('gss_OID_desc', { length: 'uint32_t', elements: 'void *' });
  k.struct('gss_OID_set_desc', { count: 'size_t', elements: 'gss_OID_desc *' });
  k.struct('gss_channel_bindings_struct', { ia: 'uint32_t', iaddr: 'gss_buffer_desc', aa: 'uint32_t', aaddr: 'gss_buffer_desc', app: 'gss_buffer_desc' });
  k.struct('gss_key_value_element_desc', { key: 'const char *', value: 'const char *' });
  k.struct('gss_key_value_set_desc', { count: 'uint32_t', elements: 'gss_key_value_element_desc *' });
  const f = {
    import_name: lib.func('uint32_t gss_import_name(_Out_ uint32_t *minor, gss_buffer_desc *name, gss_OID_desc *type, _Out_ void **output)'),
    acquire_cred: lib.func(
      'uint32_t gss_acquire_cred(_Out_ uint32_t *minor, void *name, uint32_t time, gss_OID_set_desc *mechs, int usage, _Out_ void **cred, void *actual, void *timeRec)',
    ),
    acquire_cred_from: lib.func(
      'uint32_t gss_acquire_cred_from(_Out_ uint32_t *minor, void *name, uint32_t time, gss_OID_set_desc *mechs, int usage, gss_key_value_set_desc *store, _Out_ void **cred, void *actual, void *timeRec)',
    ),
    set_cred_option: lib.func('uint32_t gss_set_cred_option(_Out_ uint32_t *minor, _Inout_ void **cred, gss_OID_desc *option, gss_buffer_desc *value)'),
    init_sec_context: lib.func(
      'uint32_t gss_init_sec_context(_Out_ uint32_t *minor, void *cred, _Inout_ void **context, void *target, gss_OID_desc *mech, uint32_t flags, uint32_t time, gss_channel_bindings_struct *bindings, gss_buffer_desc *input, void *actualMech, _Out_ gss_buffer_desc *output, _Out_ uint32_t *retFlags, void *timeRec)',
    ),
    wrap: lib.func(
      'uint32_t gss_wrap(_Out_ uint32_t *minor, void *context, int conf, uint32_t qop, gss_buffer_desc *input, void *confState, _Out_ gss_buffer_desc *output)',
    ),
    unwrap: lib.func(
      'uint32_t gss_unwrap(_Out_ uint32_t *minor, void *context, gss_buffer_desc *input, _Out_ gss_buffer_desc *output, void *confState, void *qop)',
    ),
    inquire_context: lib.func(
      'uint32_t gss_inquire_context(_Out_ uint32_t *minor, void *context, _Out_ void **source, void *target, void *life, void *mech, void *flags, void *local, void *open)',
    ),
    display_name: lib.func('uint32_t gss_display_name(_Out_ uint32_t *minor, void *name, _Out_ gss_buffer_desc *output, void *type)'),
    display_status: lib.func(
      'uint32_t gss_display_status(_Out_ uint32_t *minor, uint32_t status, int type, void *mech, _Inout_ uint32_t *more, _Out_ gss_buffer_desc *output)',
    ),
    release_buffer: lib.func('uint32_t gss_release_buffer(_Out_ uint32_t *minor, gss_buffer_desc *buffer)'),
    release_name: lib.func('uint32_t gss_release_name(_Out_ uint32_t *minor, _Inout_ void **name)'),
    release_cred: lib.func('uint32_t gss_release_cred(_Out_ uint32_t *minor, _Inout_ void **cred)'),
    delete_sec_context: lib.func('uint32_t gss_delete_sec_context(_Out_ uint32_t *minor, _Inout_ void **context, void *output)'),
  };
  const oids = new Map<string, { length: number; elements: Buffer }>();
  const oid = (text: string) => {
    if (!oids.has(text)) oids.set(text, { length: oidBytes(text).length, elements: oidBytes(text) });
    return oids.get(text)!;
  };
  /** A buffer GSSAPI allocated, copied out and released. */
  const take = (buffer: GssBuffer): Buffer => {
    const length = Number(buffer.length);
    if (length === 0 || buffer.value === null) return Buffer.alloc(0);
    const bytes = Buffer.from(new Uint8Array(k.view(buffer.value, length)));
    f.release_buffer([0], buffer);
    return bytes;
  };
  /** GSSAPI's own words for a major and minor status. */
  const statusText = (major: number, minor: number): string => {
    const lines: string[] = [];
    for (const [code, type] of [
      [major, GSS_C_GSS_CODE],
      [minor, GSS_C_MECH_CODE],
    ] as const) {
      if (code === 0) continue;
      const more = [0];
      do {
        const output: GssBuffer = { length: 0, value: null };
        if (f.display_status([0], code, type, null, more, output) !== 0) break;
        lines.push(take(output).toString('utf8').trim());
      } while (more[0] !== 0);
    }
    // MIT's "Unspecified GSS failure. Minor code may provide more information" says nothing the minor status does not.
    const said = lines.filter((line) => line !== '' && !/^unknown error$/i.test(line));
    return (said.length > 1 ? said.filter((line) => !/^Unspecified GSS failure/i.test(line)) : said).join('; ');
  };
  const error = (what: string, major: number, minor: number) => {
    const text = statusText(major, minor);
    return new KerberosError(gssProblem(major, minor, text), `${what}: ${text || `GSSAPI status 0x${major.toString(16)}, minor ${minor}`}`);
  };
  return {
    f,
    oid,
    take,
    error,
    importName(spn: string): Pointer {
      const text = Buffer.from(spn, 'utf8');
      const minor = [0];
      const name: Pointer[] = [null];
      const major = f.import_name(minor, { length: text.length, value: text }, oid(KRB5_PRINCIPAL_NAME), name) as number;
      if (major !== 0) throw error(`the service principal ${spn} is not a Kerberos name`, major, minor[0]!);
      return name[0] ?? null;
    },
    /** Credentials for one mechanism, from the keytab's store or the ticket cache, asking for no integrity or confidentiality. */
    async credential(mechanism: string, store: Record<string, string> | undefined): Promise<Pointer> {
      const minor = [0];
      const credential: Pointer[] = [null];
      const mechanisms = { count: 1, elements: [oid(mechanism)] };
      const major =
        store === undefined
          ? await callAsync<number>(f.acquire_cred, minor, null, 0, mechanisms, GSS_C_INITIATE, credential, null, null)
          : await callAsync<number>(
              f.acquire_cred_from,
              minor,
              null,
              0,
              mechanisms,
              GSS_C_INITIATE,
              { count: Object.keys(store).length, elements: Object.entries(store).map(([key, value]) => ({ key, value })) },
              credential,
              null,
              null,
            );
      if (major !== 0) throw error('Kerberos found no credentials to bind with', major, minor[0]!);
      const option = f.set_cred_option(minor, credential, oid(NO_CI_FLAGS), { length: 0, value: null }) as number;
      if (option !== 0) {
        f.release_cred([0], credential);
        throw error('Kerberos cannot bind without asking for a security layer', option, minor[0]!);
      }
      return credential[0] ?? null;
    },
    releaseCredential(credential: Pointer): void {
      if (credential !== null) f.release_cred([0], [credential]);
    },
    releaseName(name: Pointer): void {
      if (name !== null) f.release_name([0], [name]);
    },
  };
}
