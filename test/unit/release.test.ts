// Release hygiene: package.json's version is the newest version in CHANGELOG.md, and the file
// names docs/install.md tells people to download and check are that version's.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/platform/paths.js';

const read = (name: string) => readFileSync(join(packageRoot, name), 'utf8');
const { version } = JSON.parse(read('package.json')) as { version: string };

describe('release hygiene', () => {
  it("package.json's version is the newest version heading of CHANGELOG.md", () => {
    const newest = /^## (\d+\.\d+\.\d+)\b/m.exec(read('CHANGELOG.md'))?.[1];
    expect(version).to.equal(newest);
  });

  it("docs/install.md names this version's files (executables, sums, npm tarball)", () => {
    const named = [...read('docs/install.md').matchAll(/roster-(\d+\.\d+\.\d+)[-.]/g)].map((match) => match[1]);
    expect(named).to.have.length.above(3);
    expect([...new Set(named)]).to.deep.equal([version]);
  });
});
