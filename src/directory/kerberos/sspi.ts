// Windows: SSPI (secur32.dll) through koffi, as the account roster runs as (the logged-on user, or
// the gMSA a scheduled task runs as): no keytab, no password. GSS-SPNEGO is the Negotiate package,
// GSSAPI the Kerberos package. The token buffers are roster's own memory (Wine does not support
// ISC_REQ_ALLOCATE_MEMORY), and Wine, whose Kerberos package is MIT underneath, lays out the
// buffers of the RFC 4752 wrap and unwrap differently from Windows.
import type { ContextRequest, KerberosLibrary, SecurityContext } from './context.js';
import { KerberosError, sspiProblem } from './failures.js';
import { callAsync, koffi, type KoffiModule } from './koffi.js';

const SECPKG_CRED_OUTBOUND = 2;
const SECURITY_NATIVE_DREP = 0x10;
const ISC_REQ_MUTUAL_AUTH = 0x2;
const ISC_REQ_INTEGRITY = 0x10000;
/** Keeps Negotiate from asking for integrity, which Active Directory refuses over TLS. */
const ISC_REQ_NO_INTEGRITY = 0x800000;
const SEC_I_CONTINUE_NEEDED = 0x90312;
const SECBUFFER_DATA = 1;
const SECBUFFER_TOKEN = 2;
const SECBUFFER_PADDING = 9;
const SECBUFFER_STREAM = 10;
const SECBUFFER_CHANNEL_BINDINGS = 14;
const SECPKG_ATTR_SIZES = 0;
const SECPKG_ATTR_NAMES = 1;
const SECQOP_WRAP_NO_ENCRYPT = 0x80000001;
const NAME_SAM_COMPATIBLE = 2;
/** Larger than any Kerberos token Windows makes (MaxTokenSize is at most 65535). */
const MAX_TOKEN = 65536;
/** SEC_CHANNEL_BINDINGS: eight ULONGs, then the application data. */
const CHANNEL_BINDINGS_HEADER = 32;

interface Handle {
  dwLower: bigint | number;
  dwUpper: bigint | number;
}
interface BufferSpec {
  type: number;
  /** Bytes to put in it, or just its size. */
  data?: Buffer;
  size?: number;
}

export function windowsKerberos(): KerberosLibrary {
  const sspi = bindings();
  const account = sspi.userName();
  return {
    name: 'Windows SSPI (secur32.dll)',
    source: { kind: 'sspi', text: `account roster runs as${account ? `, ${account},` : ''} through SSPI` },
    async open(request) {
      const credential: Handle = { dwLower: 0, dwUpper: 0 };
      const packageName = request.mechanism === 'GSSAPI' ? 'Kerberos' : 'Negotiate';
      const status = await callAsync<number>(
        sspi.f.AcquireCredentialsHandleW,
        null,
        packageName,
        SECPKG_CRED_OUTBOUND,
        null,
        null,
        null,
        null,
        credential,
        [0],
      );
      if (status !== 0) throw sspi.error(`SSPI (${packageName}) found no credentials to bind with`, status);
      const context = new SspiContext(sspi, credential, request);
      try {
        // The first step asks the KDC for the ticket: its errors come now, before the directory is asked.
        context.first = await context.step(undefined);
        return context;
      } catch (error) {
        context.close();
        throw error;
      }
    },
  };
}

class SspiContext implements SecurityContext {
  private handle: Handle | null = null;
  private closed = false;
  /** The first step, made by open(): handed out by the first call to step(). */
  first: { token: Buffer; complete: boolean } | undefined;

  constructor(
    private readonly sspi: Sspi,
    private readonly credential: Handle,
    private readonly request: ContextRequest,
  ) {}

  async step(input: Buffer | undefined): Promise<{ token: Buffer; complete: boolean }> {
    if (this.first !== undefined && input === undefined) {
      const first = this.first;
      this.first = undefined;
      return first;
    }
    const { sspi, request } = this;
    const binding = Buffer.alloc(CHANNEL_BINDINGS_HEADER + request.channelBinding.length);
    binding.writeUInt32LE(request.channelBinding.length, 24); // cbApplicationDataLength
    binding.writeUInt32LE(CHANNEL_BINDINGS_HEADER, 28); // dwApplicationDataOffset
    request.channelBinding.copy(binding, CHANNEL_BINDINGS_HEADER);
    const inputs = sspi.buffers([
      ...(input === undefined ? [] : [{ type: SECBUFFER_TOKEN, data: input }]),
      { type: SECBUFFER_CHANNEL_BINDINGS, data: binding },
    ]);
    const outputs = sspi.buffers([{ type: SECBUFFER_TOKEN, size: MAX_TOKEN }]);
    try {
      const flags = ISC_REQ_MUTUAL_AUTH | (request.mechanism === 'GSSAPI' ? ISC_REQ_INTEGRITY : ISC_REQ_NO_INTEGRITY);
      const next: Handle = { dwLower: 0, dwUpper: 0 };
      const status = await callAsync<number>(
        sspi.f.InitializeSecurityContextW,
        this.credential,
        this.handle,
        request.spn,
        flags,
        0,
        SECURITY_NATIVE_DREP,
        inputs.desc,
        0,
        next,
        outputs.desc,
        [0],
        [0],
      );
      if (status !== 0 && status !== SEC_I_CONTINUE_NEEDED) throw sspi.error(`SSPI could not make the bind token for ${request.spn}`, status);
      this.handle = next;
      return { token: outputs.bytes(0), complete: status === 0 };
    } finally {
      inputs.free();
      outputs.free();
    }
  }

  unwrap(token: Buffer): Buffer {
    const { sspi } = this;
    // Windows: the whole token as a stream, the message found in the data buffer. Wine reads
    // data then token back to back, and writes the message at the start of the data buffer.
    const layout: BufferSpec[] = sspi.wine
      ? [
          { type: SECBUFFER_DATA, data: token.subarray(0, 4) },
          { type: SECBUFFER_TOKEN, data: token.subarray(4) },
        ]
      : [
          { type: SECBUFFER_STREAM, data: token },
          { type: SECBUFFER_DATA, size: 0 },
        ];
    const message = sspi.buffers(layout);
    try {
      const status = sspi.f.DecryptMessage(this.handle, message.desc, 0, [0]) as number;
      if (status !== 0) throw sspi.error("SSPI could not read the directory's security-layer offer", status);
      return sspi.wine ? message.bytes(0) : message.bytes(message.indexOf(SECBUFFER_DATA));
    } finally {
      message.free();
    }
  }

  wrap(data: Buffer): Buffer {
    const { sspi } = this;
    const sizes = { cbMaxToken: 0, cbMaxSignature: 0, cbBlockSize: 0, cbSecurityTrailer: 0 };
    const status = sspi.f.QueryContextSizes(this.handle, SECPKG_ATTR_SIZES, sizes) as number;
    if (status !== 0) throw sspi.error('SSPI could not size the security-layer answer', status);
    // Windows: trailer, data, padding, sent in that order. Wine: the data buffer receives the
    // token's first bytes and the token buffer the rest.
    const message = sspi.buffers(
      sspi.wine
        ? [
            { type: SECBUFFER_DATA, data },
            { type: SECBUFFER_TOKEN, size: MAX_TOKEN },
          ]
        : [
            { type: SECBUFFER_TOKEN, size: sizes.cbSecurityTrailer },
            { type: SECBUFFER_DATA, data },
            { type: SECBUFFER_PADDING, size: sizes.cbBlockSize },
          ],
    );
    try {
      const wrapped = sspi.f.EncryptMessage(this.handle, SECQOP_WRAP_NO_ENCRYPT, message.desc, 0) as number;
      if (wrapped !== 0) throw sspi.error('SSPI could not sign the security-layer answer', wrapped);
      return Buffer.concat(message.specs.map((_, index) => message.bytes(index)));
    } finally {
      message.free();
    }
  }

  principal(): string | undefined {
    const { sspi } = this;
    const names = { sUserName: null as unknown };
    // Wine's Kerberos package cannot name it (and its idea of the logged-on user is not the principal).
    if (this.handle === null || sspi.f.QueryContextNames(this.handle, SECPKG_ATTR_NAMES, names) !== 0 || !names.sUserName) return undefined;
    const name = sspi.k.decode.string16(names.sUserName);
    sspi.f.FreeContextBuffer(names.sUserName);
    return name;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.handle !== null) this.sspi.f.DeleteSecurityContext(this.handle);
    this.handle = null;
    this.sspi.f.FreeCredentialsHandle(this.credential);
  }
}

type Sspi = ReturnType<typeof declare>;
let declared: Sspi | undefined;

function bindings(): Sspi {
  declared ??= declare(koffi());
  return declared;
}

function declare(k: KoffiModule) {
  let lib: ReturnType<KoffiModule['load']>;
  try {
    lib = k.load('secur32.dll');
  } catch (error) {
    throw new KerberosError('library', `secur32.dll could not be loaded: ${(error as Error).message}`, { cause: error });
  }
  k.struct('SecHandle', { dwLower: 'uintptr_t', dwUpper: 'uintptr_t' });
  k.struct('SecBuffer', { cbBuffer: 'uint32_t', BufferType: 'uint32_t', pvBuffer: 'void *' });
  k.struct('SecBufferDesc', { ulVersion: 'uint32_t', cBuffers: 'uint32_t', pBuffers: 'void *' });
  k.struct('SecPkgContext_Sizes', { cbMaxToken: 'uint32_t', cbMaxSignature: 'uint32_t', cbBlockSize: 'uint32_t', cbSecurityTrailer: 'uint32_t' });
  k.struct('SecPkgContext_NamesW', { sUserName: 'void *' });
  const f = {
    AcquireCredentialsHandleW: lib.func(
      'int32_t __stdcall AcquireCredentialsHandleW(const char16_t *principal, const char16_t *package, uint32_t use, void *logonId, void *authData, void *getKey, void *getKeyArgument, _Out_ SecHandle *credential, _Out_ int64_t *expiry)',
    ),
    InitializeSecurityContextW: lib.func(
      'int32_t __stdcall InitializeSecurityContextW(SecHandle *credential, SecHandle *context, const char16_t *target, uint32_t flags, uint32_t reserved1, uint32_t representation, void *input, uint32_t reserved2, _Out_ SecHandle *newContext, void *output, _Out_ uint32_t *attributes, _Out_ int64_t *expiry)',
    ),
    // The one function, declared once per structure it fills.
    QueryContextSizes: lib.func('int32_t __stdcall QueryContextAttributesW(SecHandle *context, uint32_t attribute, _Out_ SecPkgContext_Sizes *sizes)'),
    QueryContextNames: lib.func('int32_t __stdcall QueryContextAttributesW(SecHandle *context, uint32_t attribute, _Out_ SecPkgContext_NamesW *names)'),
    DecryptMessage: lib.func('int32_t __stdcall DecryptMessage(SecHandle *context, void *message, uint32_t sequence, _Out_ uint32_t *qop)'),
    EncryptMessage: lib.func('int32_t __stdcall EncryptMessage(SecHandle *context, uint32_t qop, void *message, uint32_t sequence)'),
    FreeContextBuffer: lib.func('int32_t __stdcall FreeContextBuffer(void *buffer)'),
    DeleteSecurityContext: lib.func('int32_t __stdcall DeleteSecurityContext(SecHandle *context)'),
    FreeCredentialsHandle: lib.func('int32_t __stdcall FreeCredentialsHandle(SecHandle *credential)'),
    GetUserNameExW: lib.func('bool __stdcall GetUserNameExW(int format, void *buffer, _Inout_ uint32_t *size)'),
  };
  const bufferType = k.type('SecBuffer');
  return {
    k,
    f,
    /** Under Wine (tests): its ntdll exports wine_get_version. */
    wine: isWine(k),
    error(what: string, status: number): KerberosError {
      const [problem, text] = sspiProblem(status);
      return new KerberosError(problem, `${what}: ${text}`);
    },
    /** DOMAIN\name of the account roster runs as, if Windows says. */
    userName(): string | undefined {
      const buffer = Buffer.alloc(1024);
      const size = [buffer.length / 2];
      return f.GetUserNameExW(NAME_SAM_COMPATIBLE, buffer, size) ? buffer.toString('utf16le', 0, size[0]! * 2) : undefined;
    },
    /** A SecBufferDesc and its buffers in memory of roster's own, for SSPI to read and write. */
    buffers(specs: BufferSpec[]) {
      const memory = specs.map((spec) => {
        const size = spec.data?.length ?? spec.size ?? 0;
        const pointer = k.alloc('uint8_t', Math.max(size, 1)) as unknown;
        if (spec.data !== undefined && size > 0) new Uint8Array(k.view(pointer, size)).set(spec.data);
        return { cbBuffer: size, BufferType: spec.type, pvBuffer: pointer };
      });
      const array = k.array(bufferType, specs.length);
      const list = k.alloc(array, 1) as unknown;
      k.encode(list, array, memory);
      const desc = k.alloc('SecBufferDesc', 1) as unknown;
      k.encode(desc, 'SecBufferDesc', { ulVersion: 0, cBuffers: specs.length, pBuffers: list });
      const current = () => k.decode(list, array) as Array<{ cbBuffer: number; BufferType: number; pvBuffer: unknown }>;
      return {
        specs,
        desc,
        indexOf: (type: number) => current().findIndex((buffer) => buffer.BufferType === type),
        /** Buffer `index` as SSPI left it (its pointer may have moved into the stream buffer). */
        bytes(index: number): Buffer {
          const buffer = current()[index];
          if (buffer === undefined || buffer.cbBuffer === 0 || !buffer.pvBuffer) return Buffer.alloc(0);
          return Buffer.from(new Uint8Array(k.view(buffer.pvBuffer, buffer.cbBuffer)));
        },
        free() {
          for (const item of memory) k.free(item.pvBuffer);
          k.free(list);
          k.free(desc);
        },
      };
    },
  };
}

function isWine(k: KoffiModule): boolean {
  try {
    k.load('ntdll.dll').func('const char *wine_get_version()');
    return true;
  } catch {
    return false;
  }
}
