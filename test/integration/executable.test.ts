// The built executable (dist/bin/roster.cjs) and the code cache it hands to V8: the cache is taken
// for the bundle it was made from, and for nothing else, even a bundle of the very same length
// (which V8's own check would let through, running the old code).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BUNDLE_FILE, CODE_CACHE_FILE, compileBundle } from '../../src/launcher.cjs';
import { CLI, workspace } from '../harness/cli.js';

const built = dirname(CLI);

/** dist/bin copied into a package folder of its own (roster reads its package.json two levels up). */
function copyOfBuild(): string {
  const root = workspace({});
  const dir = join(root, 'dist', 'bin');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(built, '..', '..', 'package.json'), join(root, 'package.json'));
  for (const file of ['roster.cjs', BUNDLE_FILE, CODE_CACHE_FILE]) copyFileSync(join(built, file), join(dir, file));
  return dir;
}

function help(dir: string): string {
  const run = spawnSync(process.execPath, [join(dir, 'roster.cjs'), '--help'], { encoding: 'utf8' });
  expect(run.status, run.stderr).to.equal(0);
  return run.stdout;
}

describe('the built executable', () => {
  it('hands V8 the code cache made for its bundle, and V8 takes it', () => {
    expect(compileBundle(built).cacheUsed).to.equal(true);
  });

  it('compiles a changed bundle afresh, even one of the same length', () => {
    const dir = copyOfBuild();
    const bundle = join(dir, BUNDLE_FILE);
    const source = readFileSync(bundle, 'utf8');
    const changed = source.replace('Keeps SaaS people directories in step', 'KEEPS SaaS people directories in step');
    expect(changed).not.to.equal(source);
    expect(changed.length).to.equal(source.length);
    writeFileSync(bundle, changed);
    expect(compileBundle(dir).cacheUsed).to.equal(false);
    // Run with the stale cache in place: the new text shows, so the old compiled code was not used.
    expect(help(dir)).to.include('KEEPS SaaS people directories in step');
  });

  it('runs without a code cache', () => {
    const dir = copyOfBuild();
    rmSync(join(dir, CODE_CACHE_FILE));
    expect(compileBundle(dir).cacheUsed).to.equal(false);
    expect(help(dir)).to.include('Keeps SaaS people directories in step');
  });
});
