// One iLobby API key per site: several targets, each getting exactly its site's rows, and one
// target's failure not stopping the others. A SITE no target's sites name would go nowhere: every
// push is refused, and export and check show it with its rows and the nearest known name.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedExtract, toCsv } from '../harness/ad-fixture.js';
import { workspace } from '../harness/cli.js';
import { useSamba } from '../harness/sambaSuite.js';
import { rosterIn, startSandbox, syncConfig } from '../harness/syncSetup.js';
import type { IlobbySandbox } from '../sandbox/ilobby.js';

const rowsOf = (site: string) => expectedExtract().rows.filter((row) => row.SITE === site);

describe('per-site iLobby targets', function () {
  let service: IlobbySandbox;
  const ad = useSamba();
  beforeEach(async () => {
    service = await startSandbox({
      clients: [
        { clientId: 'toronto-key', clientSecret: 'toronto-secret-1', sites: ['Toronto'] },
        { clientId: 'montreal-key', clientSecret: 'montreal-secret-2', sites: ['Montreal'] },
      ],
    });
  });
  afterEach(() => service.stop());

  function config() {
    const base = syncConfig(ad(), service);
    const target = (name: string, site: string) => ({
      ...base.ilobby,
      name,
      clientId: `${name}-key`,
      clientSecretEnv: `${name.toUpperCase()}_SECRET`,
      sites: [site],
    });
    return { ...base, ilobby: [target('toronto', 'Toronto'), target('montreal', 'Montreal')] };
  }

  it("pushes each site's rows with its own credentials, and nothing else", async () => {
    expect(rowsOf('Toronto').length).to.be.greaterThan(100);
    expect(rowsOf('Montreal').length).to.be.greaterThan(100);
    const dir = workspace({ 'config.json': config() });
    const run = await rosterIn(ad(), dir, ['sync', '--first-push'], { TORONTO_SECRET: 'toronto-secret-1', MONTREAL_SECRET: 'montreal-secret-2' });
    expect(run.code, run.all).to.equal(0);
    expect(service.uploads.map((u) => [u.clientId, u.status])).to.deep.equal([
      ['toronto-key', 200],
      ['montreal-key', 200],
    ]);
    expect(service.uploads[0]?.csv).to.equal(toCsv(rowsOf('Toronto')));
    expect(service.uploads[1]?.csv).to.equal(toCsv(rowsOf('Montreal')));
    expect(readFileSync(join(dir, 'adextract-toronto.csv'), 'utf8')).to.equal(toCsv(rowsOf('Toronto')));
    expect(readFileSync(join(dir, 'state', 'montreal', 'last-push.csv'), 'utf8')).to.equal(toCsv(rowsOf('Montreal')));
    expect(service.addressBook().filter((p) => p.enabled)).to.have.length(rowsOf('Toronto').length + rowsOf('Montreal').length);
  });

  it("still pushes the other sites when one site's secret is wrong, and exits with that site's code", async () => {
    const dir = workspace({ 'config.json': config() });
    const run = await rosterIn(ad(), dir, ['sync', '--first-push', '--report', 'report.json'], {
      TORONTO_SECRET: 'wrong-secret-here',
      MONTREAL_SECRET: 'montreal-secret-2',
    });
    expect(run.code, run.all).to.equal(5);
    expect(run.stderr).to.match(/toronto: the token endpoint .* refused our credentials/);
    expect(service.uploads.map((u) => [u.clientId, u.status])).to.deep.equal([['montreal-key', 200]]);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      exitCode: number;
      targets: { target: string; outcome: string; exitCode: number }[];
    };
    expect(report.exitCode).to.equal(5);
    expect(report.targets.map((t) => [t.target, t.outcome, t.exitCode])).to.deep.equal([
      ['toronto', 'failed', 5],
      ['montreal', 'uploaded', 0],
    ]);
  });

  it("refuses every push when a SITE is in no target's sites (its people would be disabled), and export and check show it", async () => {
    const base = config();
    // The admin spelt the site as the portal might, not as the directory has it.
    const misspelt = { ...base, ilobby: [base.ilobby[0]!, { ...base.ilobby[1]!, sites: ['Montréal'] }] };
    const dir = workspace({ 'config.json': misspelt });
    const env = { TORONTO_SECRET: 'toronto-secret-1', MONTREAL_SECRET: 'montreal-secret-2' };
    const montreal = rowsOf('Montreal').length;
    const shown = `in no target's sites: "Montreal" (${montreal} rows; nearest known name: "Montréal", which differs only in accents)`;

    const exported = await rosterIn(ad(), dir, ['export'], env);
    expect(exported.code, exported.all).to.equal(0);
    expect(exported.stdout).to.match(new RegExp(`SITE values: "Toronto" ${rowsOf('Toronto').length}, "Montreal" ${montreal}, \\(empty\\) 1`));
    expect(exported.stdout).to.include(shown);
    expect(exported.stdout).to.include('1 row has an empty SITE and goes to no target');

    const checked = await rosterIn(ad(), dir, ['check'], env);
    expect(checked.stdout).to.include(shown);
    expect(checked.stdout).to.match(/⚠ sites|WARN sites/);

    const asked = service.tokenRequests; // check asked for each target's token
    const run = await rosterIn(ad(), dir, ['sync', '--first-push', '--force'], env);
    expect(run.code, run.all).to.equal(4);
    expect(run.stderr).to.include(`toronto: refused: SITE values no target's sites name, so their rows would go to no address book`);
    expect(run.stderr).to.include(`montreal: refused: SITE values no target's sites name`);
    expect([service.tokenRequests, service.uploads.length]).to.deep.equal([asked, 0]);
  });
});
