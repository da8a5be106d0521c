// npm run bundle (after tsc): turns dist/src into dist/bin/roster.cjs, package.json's "bin": roster
// and its dependencies (but the two loaded on demand, see below) in one file (esbuild), because Node.js
// loads 70-odd separate modules ~30 ms slower. Commands are still evaluated only when named (esbuild keeps dynamic import() lazy).
// CommonJS, because a Node.js single executable application runs one CommonJS script: a packaging
// script can call bundle() and hand the file to it as it is.
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const EXECUTABLE_FILE = 'roster.cjs';

/**
 * Libraries that stay in node_modules (dependencies of the npm package), each loaded only by the
 * few runs that need it: libphonenumber-js by a "phone" rule, nodemailer by an email notification,
 * koffi by a Kerberos bind. Built in, the first two's code (400 KB and 600 KB) would be parsed at
 * every start: ~60 ms and ~40 ms measured on roster --version; koffi's native addon is a file of
 * its platform package (@koromix/koffi-<platform>), which only its own loader in node_modules
 * finds. A single executable has no node_modules, so build/package.ts builds them in (koffi with
 * the addon it carries).
 */
export const LOADED_ON_DEMAND = ['libphonenumber-js', 'nodemailer', 'koffi'];

/**
 * Bundles dist/src/cli/main.js under `root` into dist/bin/roster.cjs (or `options.outfile`, with
 * the libraries loaded on demand built in: for a single executable); returns that file's path.
 */
export async function bundle(root: string, options: { outfile?: string; alias?: Record<string, string>; external?: string[] } = {}): Promise<string> {
  const out = join(root, 'dist', 'bin');
  const executable = options.outfile ?? join(out, EXECUTABLE_FILE);
  // Start empty: nothing from an earlier build (or an older layout) can be left behind.
  if (options.outfile === undefined) rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
    outfile: executable,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: options.outfile === undefined ? LOADED_ON_DEMAND : (options.external ?? []),
    logLevel: 'warning',
    // import.meta does not exist in CommonJS; src/platform/paths.ts and the createRequire in
    // mapping/shape.ts need this file's URL, which is the bundle's own. "use strict" straight after
    // the #! line, or the banner would stop it being the directive that makes the bundle strict,
    // as ES modules are.
    define: { 'import.meta.url': 'roster_bundleUrl' },
    // yargs's ES module build takes cliui's ES module build, whose wrap() cuts help text every N
    // characters, mid-word ("Acti|ve Directory"); cliui's CommonJS build wraps at spaces (wrap-ansi).
    alias: { cliui: join(root, 'node_modules', 'cliui', 'build', 'index.cjs'), ...options.alias },
    banner: { js: "#!/usr/bin/env node\n'use strict';\nvar roster_bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  chmodSync(executable, 0o755);
  return executable;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await bundle(fileURLToPath(new URL('../../', import.meta.url)));
}
