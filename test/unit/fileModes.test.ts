// Files with personal data are owner-only: written 0600 whatever the umask, and a tighter mode an
// administrator set on the file before is kept; a looser one is not.
import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/platform/atomicWrite.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('file modes', function () {
  before(function () {
    if (process.platform === 'win32') this.skip(); // Windows: the folder's ACL decides
  });
  const folder = () => mkdtempSync(join(tmpdir(), 'roster-modes-'));

  it('a new file is 0600, even with a permissive umask', () => {
    const path = join(folder(), 'people.csv');
    const umask = process.umask(0o000);
    try {
      writeFileAtomic(path, 'EMAIL\n');
    } finally {
      process.umask(umask);
    }
    expect(modeOf(path).toString(8)).to.equal('600');
  });

  it('a file an admin tightened keeps its mode; a looser one becomes 0600', () => {
    const dir = folder();
    const tight = join(dir, 'tight.csv');
    writeFileSync(tight, 'old');
    chmodSync(tight, 0o400);
    writeFileAtomic(tight, 'new');
    expect([readFileSync(tight, 'utf8'), modeOf(tight).toString(8)]).to.deep.equal(['new', '400']);
    const loose = join(dir, 'loose.csv');
    writeFileSync(loose, 'old');
    chmodSync(loose, 0o644);
    writeFileAtomic(loose, 'new');
    expect(modeOf(loose).toString(8)).to.equal('600');
  });
});
