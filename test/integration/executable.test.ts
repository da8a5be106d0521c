// The built executable (dist/bin/roster.cjs, package.json's "bin"): one file that runs on its own
// from wherever the package is installed, started by node or, as npm's link to it is, by its #! line.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CLI, workspace } from '../harness/cli.js';

const built = dirname(CLI);

/** Only roster.cjs, in a package folder of its own (roster reads its package.json two levels up). */
function copyOfExecutable(): string {
  const root = workspace({});
  const dir = join(root, 'dist', 'bin');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(built, '..', '..', 'package.json'), join(root, 'package.json'));
  copyFileSync(CLI, join(dir, 'roster.cjs'));
  return join(dir, 'roster.cjs');
}

describe('the built executable', () => {
  it('is the only file the build puts in dist/bin', () => {
    expect(readdirSync(built)).to.deep.equal(['roster.cjs']);
  });

  it('runs from a folder holding nothing of roster but itself and package.json', () => {
    const run = spawnSync(process.execPath, [copyOfExecutable(), '--help'], { encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.include('Keeps SaaS people directories in step');
  });

  it('starts through its #! line, as the link npm makes for "bin" does', () => {
    const { version } = JSON.parse(readFileSync(join(built, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const run = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    // The Node.js running it and the platform too: for a single executable, the one built in.
    expect(run.stdout.trim()).to.equal(`${version} (Node.js ${process.version}, ${process.platform}-${process.arch})`);
  });

  it('is strict, as the ES modules it was bundled from are', () => {
    // The directive counts only before any statement: the #! line may precede it, nothing else.
    expect(readFileSync(CLI, 'utf8')).to.match(/^#!\/usr\/bin\/env node\n'use strict';\n/);
  });
});
