// koffi, the C FFI through which roster calls the system's Kerberos (MIT GSSAPI, Windows SSPI),
// loaded the first time a Kerberos bind needs it: a simple bind never loads it, nor its native
// addon. In the npm package's bundle `require` loads it from node_modules, with its addon from the
// @koromix/koffi-<platform> package npm installed beside it; in a single executable it is built
// in, and its addon is the executable's own (build/package.ts, platform/nativeAddon.ts).
import { createRequire } from 'node:module';
import type * as Koffi from 'koffi';
import { KerberosError } from './failures.js';

export type KoffiModule = typeof Koffi;

let loaded: KoffiModule | undefined;

export function koffi(): KoffiModule {
  if (loaded !== undefined) return loaded;
  try {
    // The literal require('koffi') is what esbuild sees (and, for a single executable, builds in).
    loaded = (
      typeof require === 'function'
        ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle's own require, see above
          require('koffi')
        : createRequire(import.meta.url)('koffi')
    ) as KoffiModule;
    return loaded;
  } catch (error) {
    throw new KerberosError('library', `roster's Kerberos support (koffi, a native addon) could not be loaded: ${(error as Error).message}`, {
      hint: `Reinstall roster (npm installs koffi's addon for ${process.platform}-${process.arch} as @koromix/koffi-${process.platform}-${process.arch}), or use the single executable, which carries it; see docs/kerberos.md.`,
      cause: error,
    });
  }
}

/** A koffi call on a worker thread, as a promise: the event loop runs on while it waits for a KDC. */
export function callAsync<T>(fn: { async: (...args: unknown[]) => void }, ...args: unknown[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn.async(...args, (error: unknown, result: T) => {
      if (error instanceof Error) reject(error);
      else if (error !== null && error !== undefined) reject(new Error(typeof error === 'string' ? error : 'koffi call failed'));
      else resolve(result);
    });
  });
}
