// npm run bundle (after tsc): turns dist/src into what `roster` runs, dist/bin/:
//   roster.cjs          the executable (src/launcher.cts), package.json's "bin"
//   roster.bundle.cjs   roster and its dependencies in one CommonJS file (esbuild)
//   roster.bundle.cache V8's compiled code for it, kept after a training run
// One file, because Node.js loads 70-odd separate modules ~30 ms slower; CommonJS, because V8's
// code cache can be handed in only for a script (vm.Script), not for an ES module. Commands are
// still evaluated only when named (esbuild keeps dynamic import() lazy). The training run is a
// real `roster export` of a few thousand made-up people from a stand-in directory
// (trainingDirectory.ts): V8 caches only functions that have run, and a cache that holds the
// export's own code saves twice what one made by `roster --help` does (~20 ms against ~10).
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_FILE, CODE_CACHE_FILE, WRITE_CODE_CACHE } from '../src/launcher.cjs';
import { startTrainingDirectory } from './trainingDirectory.js';

const TRAINING_PEOPLE = 3000;
const TRAINING_PAGE_SIZE = 500;

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
  // yargs's ES module build takes cliui's ES module build, whose wrap() cuts help text every N
  // characters, mid-word ("Acti|ve Directory"); cliui's CommonJS build wraps at spaces (wrap-ansi).
  alias: { cliui: join(root, 'node_modules', 'cliui', 'build', 'index.cjs') },
  banner: { js: "'use strict';\nvar roster_bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const executable = join(out, 'roster.cjs');
copyFileSync(join(root, 'dist', 'src', 'launcher.cjs'), executable);
chmodSync(executable, 0o755);

// The training run. In a child process of its own (the stand-in directory answers from this one).
const training = mkdtempSync(join(tmpdir(), 'roster-training-'));
const directory = await startTrainingDirectory(TRAINING_PEOPLE, TRAINING_PAGE_SIZE);
try {
  const config = join(training, 'config.json');
  writeFileSync(config, JSON.stringify({
    directory: { url: directory.url, bindDn: 'CN=training', bindPasswordEnv: 'ROSTER_TRAINING_PASSWORD', searchBases: ['OU=Training,DC=training,DC=example'], pageSize: TRAINING_PAGE_SIZE },
    csv: { path: 'people.csv' },
    stateDir: 'state',
  }));
  const run = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [executable, 'export', '--config', config], {
      env: { ...process.env, [WRITE_CODE_CACHE]: '1', ROSTER_TRAINING_PASSWORD: 'training' },
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
  const csvPath = join(training, 'people.csv');
  const rows = existsSync(csvPath) ? readFileSync(csvPath, 'utf8').split('\n').length - 2 : 0; // header, final line end
  if (run.code !== 0 || rows !== TRAINING_PEOPLE || !existsSync(join(out, CODE_CACHE_FILE))) {
    process.stderr.write(`bundle: the training run of roster export failed (exit ${run.code}, ${rows} rows of ${TRAINING_PEOPLE}):\n${run.output}`);
    process.exitCode = 1;
  }
} finally {
  directory.close();
  rmSync(training, { recursive: true, force: true });
}
