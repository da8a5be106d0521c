// The npm package (npm pack): only what runs and what users read, and it installs and runs on a
// machine with only Node.js. --ignore-scripts: prepack would rebuild dist/ under the running tests.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function npm(args: string[], cwd = root): string {
  return execFileSync('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the npm package', function () {
  this.timeout(120_000);

  it('holds the built CLI, schemas, default mapping, README, LICENSE and docs, and no tests, sources or maps', () => {
    const [packed] = JSON.parse(npm(['pack', '--dry-run', '--json'])) as Array<{ files: Array<{ path: string }> }>;
    const files = packed!.files.map((file) => file.path);
    expect(files).to.include.members([
      'package.json',
      'README.md',
      'LICENSE',
      'dist/bin/roster.cjs',
      'fields.config.json',
      'schema/config.schema.json',
      'schema/fields.schema.json',
      'docs/install.md',
      'docs/configuration.md',
    ]);
    expect(files.filter((file) => /^(test|fixtures|src|build|\.ci)\/|^dist\/(?!bin\/roster\.cjs$)|\.map$|\.ts$/.test(file))).to.deep.equal([]);
  });

  it('installs globally from its tarball into a clean prefix, and the roster it links runs', () => {
    const temp = mkdtempSync(join(tmpdir(), 'roster-npm-'));
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', temp])) as Array<{ filename: string }>;
    const prefix = join(temp, 'prefix');
    // Its three dependencies, loaded on demand (build/bundle.ts), come from npm's cache when there.
    npm(['install', '--global', '--prefer-offline', '--prefix', prefix, join(temp, packed!.filename)], temp);
    const modules = join(prefix, 'lib', 'node_modules', 'roster', 'node_modules');
    expect(readdirSync(modules)).to.deep.equal(['@koromix', 'koffi', 'libphonenumber-js', 'nodemailer']);
    // koffi's addon for this platform only, as an optional package: it loads with no install script run.
    expect(readdirSync(join(modules, '@koromix'))).to.deep.equal([`koffi-${process.platform}-${process.arch}`]);
    const koffi = spawnSync(process.execPath, ['-e', `console.log(typeof require(${JSON.stringify(join(modules, 'koffi'))}).load)`], { encoding: 'utf8' });
    expect(koffi.stdout.trim(), koffi.stderr).to.equal('function');
    // Only Node.js on PATH (npm's link starts roster through its #! line, /usr/bin/env node).
    const run = spawnSync(join(prefix, 'bin', 'roster'), ['--help'], {
      encoding: 'utf8',
      cwd: temp,
      env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` },
    });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.include('Keeps SaaS people directories in step');
    expect(run.stdout).to.include('roster export');
  });
});
