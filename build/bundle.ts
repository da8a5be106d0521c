// npm run bundle (after tsc): turns dist/src into what `roster` runs, dist/bin/:
//   roster.cjs          the executable (src/launcher.cts), package.json's "bin"
//   roster.bundle.cjs   roster and its dependencies in one CommonJS file (esbuild)
//   roster.bundle.cache V8's compiled code for it, from one run of `roster --help`
// One file, because Node.js loads 70-odd separate modules ~30 ms slower; CommonJS, because V8's
// code cache can be handed in only for a script (vm.Script), not for an ES module. Commands are
// still evaluated only when named (esbuild keeps dynamic import() lazy).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_FILE, CODE_CACHE_FILE, WRITE_CODE_CACHE } from '../src/launcher.cjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = join(root, 'dist', 'bin');

// Start empty: nothing from an earlier build (or an older layout) can be left to be loaded.
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'dist', 'src', 'cli.js')],
  outfile: join(out, BUNDLE_FILE),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  // import.meta does not exist in CommonJS; src/paths.ts and the createRequire in
  // mapping/shape.ts need this file's URL, which is the bundle's own. "use strict" first, or the
  // banner would stop it being the directive that makes the bundle strict, as ES modules are.
  define: { 'import.meta.url': 'roster_bundleUrl' },
  banner: { js: "'use strict';\nvar roster_bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const executable = join(out, 'roster.cjs');
copyFileSync(join(root, 'dist', 'src', 'launcher.cjs'), executable);
chmodSync(executable, 0o755);

const priming = spawnSync(process.execPath, [executable, '--help'], { env: { ...process.env, [WRITE_CODE_CACHE]: '1' }, encoding: 'utf8' });
if (priming.status !== 0 || !existsSync(join(out, CODE_CACHE_FILE))) {
  process.stderr.write(`bundle: \`roster --help\` failed while making the code cache (exit ${priming.status}):\n${priming.stderr}`);
  process.exit(1);
}
