// A run killed (SIGKILL: no cleanup runs) while writing must leave the previous file intact.
// roster writes the CSV, the state and the reports with writeFileAtomic.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const atomicWrite = fileURLToPath(new URL('../../src/platform/atomicWrite.js', import.meta.url));
const PREVIOUS = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE\nAda,Lovelace,,,ada@example.org,,,Toronto\n';

/**
 * Starts a process writing 400 MB to `file` in the given way, and kills it once the write is under
 * way. Says whether it saw the write under way: if not, the kill came too early to prove anything.
 */
async function killDuringWrite(file: string, how: 'atomic' | 'plain'): Promise<boolean> {
  const script =
    how === 'atomic'
      ? `const { writeFileAtomic } = await import(${JSON.stringify(atomicWrite)}); process.stdout.write('go\\n'); writeFileAtomic(${JSON.stringify(file)}, Buffer.alloc(400 * 1024 * 1024, 120));`
      : `const { writeFileSync } = await import('node:fs'); process.stdout.write('go\\n'); writeFileSync(${JSON.stringify(file)}, Buffer.alloc(400 * 1024 * 1024, 120));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  // Wait until bytes reach the disk, so the kill lands in the middle of the write.
  const dir = join(file, '..');
  const deadline = Date.now() + 10_000;
  const underWay = () => readdirSync(dir).some((name) => name !== 'last-push.csv' || readFileSync(join(dir, name)).length > PREVIOUS.length);
  let seen = underWay();
  while (Date.now() < deadline && !seen) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    seen = underWay();
  }
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  return seen;
}

describe('a run killed while writing', function () {
  this.timeout(60_000);

  it('leaves a plain write torn (the hazard is real)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-crash-'));
    const file = join(dir, 'last-push.csv');
    writeFileSync(file, PREVIOUS);
    expect(await killDuringWrite(file, 'plain'), 'the kill must land during the write').to.equal(true);
    expect(readFileSync(file, 'utf8')).not.to.equal(PREVIOUS);
  });

  it('leaves the previous file intact with writeFileAtomic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-crash-'));
    const file = join(dir, 'last-push.csv');
    writeFileSync(file, PREVIOUS);
    expect(await killDuringWrite(file, 'atomic'), 'the kill must land during the write').to.equal(true);
    expect(readFileSync(file, 'utf8')).to.equal(PREVIOUS);
  });
});
