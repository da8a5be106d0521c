// Active Directory (Samba AD) as the server found: named in the log and by check, disabled
// accounts left out whatever directory.filter says, and counted; a rule of another server refused.
import { expect } from 'chai';
import { disabledInStaff } from '../harness/ad-fixture.js';
import { workspace } from '../harness/cli.js';
import { useSamba } from '../harness/sambaSuite.js';
import { expectedCsv, rosterIn, startSandbox, syncConfig } from '../harness/syncSetup.js';
import type { IlobbySandbox } from '../sandbox/ilobby.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('account state on Active Directory (Samba)', function () {
  let service: IlobbySandbox;
  const ad = useSamba();
  before(async () => {
    service = await startSandbox();
  });
  after(async () => service?.stop());

  const exportWith = async (directory: Record<string, unknown>, args: string[] = ['export']) => {
    const dir = workspace({ 'config.json': syncConfig(ad(), service, directory) });
    const run = await rosterIn(ad(), dir, args);
    return { ...run, csv: () => readFileSync(join(dir, 'adextract.csv'), 'utf8') };
  };

  it('names the server and counts the disabled accounts the default filter leaves out', async () => {
    const run = await exportWith({});
    expect(run.code, run.all).to.equal(0);
    expect(run.csv()).to.equal(expectedCsv);
    expect(disabledInStaff).to.be.greaterThan(0);
    expect(run.stdout).to.match(new RegExp(`left out, disabled \\(userAccountControl\\): ${disabledInStaff}, e\\.g\\. CN=`));
    expect(run.stderr).to.include(`${ad().ldapsUrl}: Samba AD 4.`);
  });

  it('leaves disabled accounts out even when directory.filter does not', async () => {
    const run = await exportWith({ filter: '(&(objectCategory=person)(objectClass=user))' });
    expect(run.code, run.all).to.equal(0);
    expect(run.csv()).to.equal(expectedCsv);
  });

  it('check names Samba AD; a rule of another server is refused (exit 2)', async () => {
    const check = await exportWith({}, ['check']);
    expect(check.stdout).to.match(/✔ bind .*\n\s+server: Samba AD 4\.\d+\S* \(from its root DSE\)\n/);
    expect(check.stdout).to.match(/\n\s+account state: Samba AD \S+, accountState auto: left out: disabled \(userAccountControl\) by the server\n/);
    const run = await exportWith({ accountState: '389ds' });
    expect(run.code, run.all).to.equal(2);
    expect(run.stderr).to.match(/directory\.accountState: "389ds" reads nsAccountLock, which Samba AD 4\.\d+\S* does not have/);
  });
});
