// iLobby target names that would share a folder on disk (the state folder keeps each target's
// last push under its name, with unsafe characters as "_"; Windows and macOS ignore case) are
// refused when the config loads, naming both: the second target would otherwise be compared with
// the first one's push.
import { expect } from 'chai';
import { join } from 'node:path';
import { runRoster, workspace } from '../harness/cli.js';

const target = (name: string) => ({
  name,
  tokenUrl: 'https://ilobby.example/auth/connect/token',
  uploadUrl: 'https://ilobby.example/addressbook/uploadcsv',
  clientId: name,
  clientSecretEnv: 'UNUSED',
});
const exportWith = (names: string[]) => {
  const dir = workspace({
    'config.json': { directory: { url: 'ldap://127.0.0.1:1', bindDn: 'x', bindPasswordEnv: 'X', searchBases: ['dc=x'] }, ilobby: names.map(target) },
  });
  return runRoster(['export', '--config', join(dir, 'config.json')], { cwd: dir, env: { X: 'x' } });
};

describe('iLobby target names that collide on disk', () => {
  it('"a/b" and "a_b", or names differing only in case, are refused (exit 2) naming both', async () => {
    const slash = await exportWith(['Toronto/East', 'Toronto_East']);
    expect(slash.code, slash.all).to.equal(2);
    expect(slash.stderr).to.include('ilobby[1].name: "Toronto_East" would share the state folder "Toronto_East" with ilobby[0] ("Toronto/East")');
    const letterCase = await exportWith(['montreal', 'toronto', 'Montreal']);
    expect(letterCase.code, letterCase.all).to.equal(2);
    expect(letterCase.stderr).to.include('ilobby[2].name: "Montreal" would share the state folder "Montreal" with ilobby[0] ("montreal")');
    const same = await exportWith(['toronto', 'toronto']);
    expect(same.stderr).to.include('ilobby[1].name: "toronto" is also the name of ilobby[0] ("toronto")');
  });

  it("a name that is one of the state folder's own folders (reports, officevibe) is refused", async () => {
    const run = await exportWith(['Reports', 'toronto']);
    expect(run.code, run.all).to.equal(2);
    expect(run.stderr).to.include(`ilobby[0].name: "Reports" is the state folder's own reports folder; choose another name`);
  });

  it('distinct names pass the check (the export then fails on the directory, exit 3)', async () => {
    const run = await exportWith(['toronto', 'montreal']);
    expect(run.code, run.all).to.equal(3);
  });
});
