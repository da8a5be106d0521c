// roster officevibe push with the original Enterprise Sync Tool files (fixtures/officevibe/),
// against the Officevibe sandbox, driven through the built CLI.
import { expect } from 'chai';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { editDataFile, expectedRequest, FIXTURE_CONFIG, officevibePush, officevibeWorkspace, writeOfficevibeConfig } from '../harness/officevibeSetup.js';
import { startOfficevibeSandbox, type OfficevibeSandbox } from '../sandbox/officevibe.js';

const KEY = String(FIXTURE_CONFIG.ApiKey);
const KEY_ENV = 'ROSTER_TEST_OFFICEVIBE_KEY';

describe('roster officevibe push (the original files, against the Officevibe sandbox)', function () {
  const sandboxes: OfficevibeSandbox[] = [];
  after(async () => Promise.all(sandboxes.map((s) => s.stop())));
  async function sandbox(): Promise<OfficevibeSandbox> {
    const started = await startOfficevibeSandbox();
    sandboxes.push(started);
    return started;
  }
  const lastPush = (dir: string) => join(dir, 'state', 'officevibe', 'last-push.json');

  it('sends the original config.json and Data files as they are, and Officevibe ends up with them', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    const run = await officevibePush(service, dir, ['--log-file', join(dir, 'roster.log')]);
    expect(run.code, run.all).to.equal(0);
    expect(run.stdout).to.include(
      'officevibe: pushed 9 users, 4 groups, 18 mappings (9 new, 0 changed, to be deactivated: unknown (no earlier push); new users are not invited',
    );
    expect(service.requests).to.have.length(1);
    const request = service.requests[0]!;
    expect(JSON.parse(request.body)).to.deep.equal(expectedRequest);
    expect(request.authorization).to.equal(`Bearer ${KEY}`);
    expect(request.contentType).to.match(/^application\/json/);
    expect(request.response).to.deep.equal({ isSuccess: true, errors: [] });

    const users = service.users();
    expect(users.map((u) => u.id)).to.deep.equal(['E1001', 'E1002', 'E1003', 'E1004', 'E1005', 'E1006', 'E1007', 'E1008', 'E1009']);
    expect(users.every((u) => u.status === 'created')).to.equal(true); // InviteNewUsers false
    const groups = new Map(service.groups().map((g) => [g.id, g]));
    expect(groups.get('G-ENG')).to.deep.include({ parentId: 'G-ALL', members: ['E1002'], managers: ['E1003'] });
    expect(groups.get('G-PLAT')).to.deep.include({ name: 'Platform, Tools & Automation', parentId: 'G-ENG', members: ['E1002', 'E1009'], managers: ['E1002'] });
    expect(groups.get('G-HR')?.parentId).to.equal('G-ALL');
    expect(groups.get('G-ALL')?.members).to.have.length(9);

    // The key was in config.json's text: accepted with a warning, and never written anywhere.
    expect(run.stderr).to.match(/the API key is read from config\.json \(ApiKey, the original tool's way\).*ApiKeyEnv/);
    expect(readFileSync(lastPush(dir), 'utf8')).to.equal(request.body);
    const reports = readdirSync(join(dir, 'state', 'reports')).map((f) => readFileSync(join(dir, 'state', 'reports', f), 'utf8'));
    expect(reports).to.have.length(1);
    for (const text of [run.all, readFileSync(join(dir, 'roster.log'), 'utf8'), ...reports, request.body]) expect(text).not.to.include(KEY);
  });

  it('--dump-request writes the exact body, without the key, to dump.json beside config.json (whatever the current folder) or to FILE', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    const elsewhere = mkdtempSync(join(tmpdir(), 'roster-cwd-'));
    const run = await officevibePush(service, dir, ['--dump-request', '--verbose'], {}, elsewhere);
    expect(run.code, run.all).to.equal(0);
    const dump = readFileSync(join(dir, 'dump.json'), 'utf8');
    expect(dump).to.equal(service.requests[0]!.body);
    expect(JSON.parse(dump)).to.deep.equal(expectedRequest);
    expect(dump).not.to.include(KEY);
    expect(existsSync(join(elsewhere, 'dump.json'))).to.equal(false);
    expect(run.stderr).to.include(`request written to ${join(dir, 'dump.json')}`);
    expect(run.stderr).to.match(/debug: POST https:\/\/127\.0\.0\.1:\d+\/api\/v2\/sync \(\d+ bytes, bearer key from ApiKey in /);
    expect(run.all).not.to.include(KEY);

    const named = join(elsewhere, 'request-copy.json');
    const second = await officevibePush(service, dir, ['--dump-request', named]);
    expect(second.code, second.all).to.equal(0);
    expect(readFileSync(named, 'utf8')).to.equal(service.requests[1]!.body);
  });

  it('--dry-run checks everything and writes the dump, but sends nothing and records nothing', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    const run = await officevibePush(service, dir, ['--dry-run', '--dump-request']);
    expect(run.code, run.all).to.equal(0);
    expect(run.stdout).to.include('officevibe: dry run, nothing sent: 9 users, 4 groups, 18 mappings');
    expect(JSON.parse(readFileSync(join(dir, 'dump.json'), 'utf8'))).to.deep.equal(expectedRequest);
    expect(service.requests).to.have.length(0);
    expect(existsSync(lastPush(dir))).to.equal(false);
  });

  it('refuses files without a BOM (exit 2, naming each file) unless --ignore-encoding', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    for (const name of ['users.csv', 'groups.csv', 'groups-mapping.csv']) editDataFile(dir, name, (text) => text.replace(/^\uFEFF/, ''));
    const refused = await officevibePush(service, dir);
    expect(refused.code, refused.all).to.equal(2);
    for (const name of ['users.csv', 'groups.csv', 'groups-mapping.csv']) {
      expect(refused.stderr).to.include(`${join(dir, 'Data', name)} is not UTF-8 with BOM`);
    }
    expect(refused.stderr).to.include('--ignore-encoding');
    expect(service.requests).to.have.length(0);

    const accepted = await officevibePush(service, dir, ['--ignore-encoding']);
    expect(accepted.code, accepted.all).to.equal(0);
    expect(JSON.parse(service.requests[0]!.body)).to.deep.equal(expectedRequest);
  });

  it('--ignore-encoding reads a Windows-1252 file as Windows-1252 (names intact) and UTF-16 by its BOM; without it, exit 2 naming the encoding', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    const users = join(dir, 'Data', 'users.csv');
    // What Excel's plain "CSV" or PowerShell 5.1's Export-Csv writes on a Western Windows: no BOM, ANSI code page.
    // eslint-disable-next-line no-control-regex -- every character outside Latin-1, whose range starts at NUL
    const outsideLatin1 = /[^\x00-\xff]/g;
    const text = readFileSync(users, 'utf8')
      .replace(/^\uFEFF/, '')
      .replace("Siobhan,O'Brien", 'Jürgen,Ñuñez')
      .replace(outsideLatin1, '?');
    writeFileSync(users, Buffer.from(text, 'latin1'));
    const refused = await officevibePush(service, dir);
    expect(refused.code, refused.all).to.equal(2);
    expect(refused.stderr).to.include(`${users} is not UTF-8 with BOM`);
    expect(refused.stderr).to.include('not UTF-8 at all (probably Windows-1252');
    expect(service.requests).to.have.length(0);

    const ansi = await officevibePush(service, dir, ['--ignore-encoding']);
    expect(ansi.code, ansi.all).to.equal(0);
    expect(ansi.stderr).to.include(`${users} is not UTF-8: read as Windows-1252`);
    const names = (body: string) =>
      (JSON.parse(body) as { users: { id: string; firstName: string; lastName: string }[] }).users
        .filter((u) => u.id === 'E1001' || u.id === 'E1004')
        .map((u) => `${u.firstName} ${u.lastName}`);
    expect(names(service.requests[0]!.body)).to.deep.equal(['Émilie Côté', 'Jürgen Ñuñez']);

    writeFileSync(users, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const utf16 = await officevibePush(service, dir);
    expect(utf16.code, utf16.all).to.equal(2);
    expect(utf16.stderr).to.include(`${users} is UTF-16 text`);
    const utf16Read = await officevibePush(service, dir, ['--ignore-encoding']);
    expect(utf16Read.code, utf16Read.all).to.equal(0);
    expect(service.requests[1]!.body).to.equal(service.requests[0]!.body);
  });

  describe('validation: exit 2 naming the file, the line and the value; nothing sent', () => {
    const cases: { name: string; file: string; edit: (text: string) => string; expected: string }[] = [
      {
        name: 'duplicate user id',
        file: 'users.csv',
        edit: (t) => t.replace('E1002,taro', 'E1001,taro'),
        expected: 'users.csv line 3: id "E1001" is already used on line 2',
      },
      { name: 'empty user id', file: 'users.csv', edit: (t) => t.replace('E1006,hr.admin', ',hr.admin'), expected: 'users.csv line 8: id is empty' },
      {
        name: 'invalid email',
        file: 'users.csv',
        edit: (t) => t.replace('bob.tables@corp.example.com', 'bob.tables@corp'),
        expected: 'users.csv line 4: email "bob.tables@corp" is not a valid address',
      },
      // Line 11: the job title of line 6 holds a line break, which must not throw the count off.
      {
        name: 'duplicate email (in another case)',
        file: 'users.csv',
        edit: (t) => t.replace('party.person@corp.example.com', 'Taro.Yamada@corp.example.com'),
        expected: 'users.csv line 11: email "Taro.Yamada@corp.example.com" is already used on line 3',
      },
      {
        name: 'a line with a missing field',
        file: 'users.csv',
        edit: (t) => t.replace('Nomail,,,,Operations,', 'Nomail,,,,Operations'),
        expected: 'users.csv line 9: 8 fields, expected 9',
      },
      {
        name: 'duplicate group id',
        file: 'groups.csv',
        edit: (t) => t.replace('G-PLAT,', 'G-ENG,'),
        expected: 'groups.csv line 5: id "G-ENG" is already used on line 4',
      },
      {
        name: 'empty group name',
        file: 'groups.csv',
        edit: (t) => t.replace('G-HR,Ressources humaines', 'G-HR,'),
        expected: 'groups.csv line 3: name is empty (id "G-HR")',
      },
      {
        name: 'unknown groupId',
        file: 'groups-mapping.csv',
        edit: (t) => t.replace('G-HR,E1006', 'G-XX,E1006'),
        expected: 'groups-mapping.csv line 15: groupId "G-XX" is not an id in the groups file',
      },
      {
        name: 'unknown userId',
        file: 'groups-mapping.csv',
        edit: (t) => t.replace('G-ENG,E1002', 'G-ENG,E9999'),
        expected: 'groups-mapping.csv line 16: userId "E9999" is not an id in the users file',
      },
      {
        name: 'unknown subGroupId',
        file: 'groups-mapping.csv',
        edit: (t) => t.replace(',G-PLAT,', ',G-NOPE,'),
        expected: 'groups-mapping.csv line 13: subGroupId "G-NOPE" is not an id in the groups file',
      },
      {
        name: 'malformed boolean',
        file: 'groups-mapping.csv',
        edit: (t) => t.replace('G-ENG,E1003,,FALSE,TRUE', 'G-ENG,E1003,,FALSE,YES'),
        expected: 'groups-mapping.csv line 17: isManager must be TRUE or FALSE, found "YES"',
      },
      {
        name: 'missing boolean on a membership',
        file: 'groups-mapping.csv',
        edit: (t) => t.replace('G-ALL,E1007,,TRUE,FALSE', 'G-ALL,E1007,,,FALSE'),
        expected: 'groups-mapping.csv line 8: isMember must be TRUE or FALSE, found ""',
      },
      {
        name: 'a group nested in itself',
        file: 'groups-mapping.csv',
        edit: (t) => `${t}G-HR,,G-HR,,\r\n`,
        expected: 'groups-mapping.csv line 20: group "G-HR" is nested in itself',
      },
      {
        name: 'a nesting cycle',
        file: 'groups-mapping.csv',
        edit: (t) => `${t}G-PLAT,,G-ALL,,\r\n`,
        expected: 'groups-mapping.csv lines 12, 13, 20: groups nested in a cycle: "G-ALL" ⊃ "G-ENG" ⊃ "G-PLAT" ⊃ "G-ALL"',
      },
      {
        name: 'userId and subGroupId on one line',
        file: 'groups-mapping.csv',
        edit: (t) => t.replace('G-ALL,,G-HR,,', 'G-ALL,E1006,G-HR,,'),
        expected: 'groups-mapping.csv line 11: userId "E1006" and subGroupId "G-HR" are both set',
      },
      {
        name: 'a misspelt column',
        file: 'groups-mapping.csv',
        edit: (t) => t.replace('isManager', 'isManger'),
        expected: 'groups-mapping.csv line 1: unknown column "isManger"',
      },
      {
        name: 'a semicolon-separated file',
        file: 'groups.csv',
        edit: (t) => t.replace(/,/g, ';'),
        expected: 'groups.csv line 1: the file is separated by ";"',
      },
    ];
    let service: OfficevibeSandbox;
    before(async () => {
      service = await sandbox();
    });
    for (const c of cases) {
      it(c.name, async () => {
        const dir = officevibeWorkspace(service);
        editDataFile(dir, c.file, c.edit);
        const run = await officevibePush(service, dir);
        expect(run.code, run.all).to.equal(2);
        const expected = c.expected.startsWith(c.file) ? join(dir, 'Data', c.expected) : c.expected;
        expect(run.stderr).to.include(expected);
        expect(run.stderr).to.include('nothing was sent');
        expect(service.requests).to.have.length(0);
      });
    }

    it('lists every problem of every file in one run', async () => {
      const dir = officevibeWorkspace(service);
      editDataFile(dir, 'users.csv', (t) => t.replace('bob.tables@corp.example.com', 'bob.tables'));
      editDataFile(dir, 'groups-mapping.csv', (t) => t.replace('G-ENG,E1002', 'G-ENG,E9999').replace('G-PLAT,E1009,,TRUE,FALSE', 'G-PLAT,E1009,,TRUE,NO'));
      const run = await officevibePush(service, dir);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include('users.csv line 4: email "bob.tables" is not a valid address');
      expect(run.stderr).to.include('groups-mapping.csv line 16: userId "E9999"');
      expect(run.stderr).to.include('groups-mapping.csv line 19: isManager must be TRUE or FALSE, found "NO"');
      expect(service.requests).to.have.length(0);
    });
  });

  it('refuses a first push without --first-push (exit 4, saying Officevibe will deactivate everyone not in the files)', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    for (const args of [['--no-first-push'], ['--no-first-push', '--force'], ['--no-first-push', '--dry-run']]) {
      const refused = await officevibePush(service, dir, args);
      expect(refused.code, refused.all).to.equal(4);
      expect(refused.stderr).to.include('officevibe: refused: this is the first push from');
      expect(refused.stderr).to.include('the service will disable every user it holds that is not in this push');
    }
    expect(service.requests).to.have.length(0);
    expect((await officevibePush(service, dir)).code).to.equal(0);
    expect((await officevibePush(service, dir, ['--no-first-push'])).code).to.equal(0);
    expect(service.requests).to.have.length(2);
  });

  it('a wrong key: exit 5 "the API key was not accepted" (the service answers its HTML sign-in page), printing neither key', async () => {
    const service = await sandbox();
    const wrong = 'ov-wrong-key-0000aaaa1111';
    const dir = officevibeWorkspace(service, { ApiKey: wrong });
    const run = await officevibePush(service, dir);
    expect(run.code, run.all).to.equal(5);
    expect(run.stderr).to.include('officevibe: the API key was not accepted');
    expect(run.stderr).to.include('answered with an HTML page');
    expect(service.requests.map((r) => [r.keyAccepted, r.status])).to.deep.equal([[false, 200]]);
    expect(run.all).not.to.include(wrong);
    expect(existsSync(lastPush(dir))).to.equal(false);

    const fromEnv = officevibeWorkspace(service, { ApiKey: undefined, ApiKeyEnv: KEY_ENV });
    const envRun = await officevibePush(service, fromEnv, [], { [KEY_ENV]: wrong });
    expect(envRun.code).to.equal(5);
    expect(envRun.stderr).to.include(`the environment variable ${KEY_ENV} (ApiKeyEnv)`);
    expect(envRun.all).not.to.include(wrong);
  });

  it('takes the key from ApiKeyEnv without a warning; an unset variable exits 2 before anything is sent', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service, { ApiKey: undefined, ApiKeyEnv: KEY_ENV });
    const run = await officevibePush(service, dir, [], { [KEY_ENV]: KEY });
    expect(run.code, run.all).to.equal(0);
    // The only warning is the first push's (the harness passes --first-push).
    expect(run.stderr.split('\n').filter((line) => line.startsWith('warn:'))).to.deep.equal([
      'warn: officevibe: first push: there is no earlier push to compare with: the service will disable every user it holds that is not in this push, and roster cannot know how many that is',
    ]);
    expect(run.all).not.to.include(KEY);
    const unset = await officevibePush(service, dir, [], { [KEY_ENV]: '' });
    expect(unset.code).to.equal(2);
    expect(unset.stderr).to.include(`environment variable ${KEY_ENV} (named by ApiKeyEnv) is not set or is empty`);
    expect(service.requests).to.have.length(1);
  });

  it("isSuccess false: exit 6 with the service's errors, and the push is not recorded", async () => {
    const service = await sandbox();
    service.refuseNext(1, ['User E1004: this email domain is not allowed in this account', { message: 'Group G-PLAT: the name is too long' }]);
    const dir = officevibeWorkspace(service);
    const run = await officevibePush(service, dir);
    expect(run.code, run.all).to.equal(6);
    expect(run.stderr).to.include(
      'officevibe: the service refused the sync (isSuccess: false, HTTP 200):\n  - User E1004: this email domain is not allowed in this account\n  - Group G-PLAT: the name is too long',
    );
    expect(existsSync(lastPush(dir))).to.equal(false);
    expect(service.users()).to.have.length(0);
  });

  it('retries a 503 with Retry-After, then succeeds', async () => {
    const service = await sandbox();
    service.failNext(2, 503, 1);
    const run = await officevibePush(service, officevibeWorkspace(service));
    expect(run.code, run.all).to.equal(0);
    expect(service.requests.map((r) => r.status)).to.deep.equal([503, 503, 200]);
    expect(run.stderr).to.match(/officevibe sync: attempt 1 failed \(HTTP 503 \(Retry-After 1 s\)\); trying again in 1\.0 s/);
  });

  it('refuses to deactivate more than the thresholds allow (exit 4, naming who); --force pushes and Officevibe deactivates them', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    expect((await officevibePush(service, dir)).code).to.equal(0);
    const recorded = readFileSync(lastPush(dir), 'utf8');
    // Two people leave: their lines go from users.csv and groups-mapping.csv.
    editDataFile(dir, 'users.csv', (t) =>
      t
        .split('\r\n')
        .filter((line) => !line.startsWith('E1004,') && !line.startsWith('E1009,'))
        .join('\r\n'),
    );
    editDataFile(dir, 'groups-mapping.csv', (t) =>
      t
        .split('\r\n')
        .filter((line) => !/,E100[49],/.test(line))
        .join('\r\n'),
    );

    const refused = await officevibePush(service, dir);
    expect(refused.code, refused.all).to.equal(4);
    expect(refused.stderr).to.include(
      'officevibe: refused:\n  - 2 of the 9 people in the last push (22.2%) would be disabled, more than safety.maxDisablePercent (10%): siobhan.obrien@corp.example.com, party.person@corp.example.com',
    );
    expect(refused.stderr).to.include('--force');
    expect(service.requests).to.have.length(1);
    expect(readFileSync(lastPush(dir), 'utf8')).to.equal(recorded);

    const dryRun = await officevibePush(service, dir, ['--dry-run']);
    expect(dryRun.code).to.equal(4);

    const forced = await officevibePush(service, dir, ['--force']);
    expect(forced.code, forced.all).to.equal(0);
    expect(forced.stderr).to.include('officevibe: --force overrides: 2 of the 9 people');
    expect(forced.stdout).to.include('7 users, 4 groups, 15 mappings (0 new, 0 changed, 2 to be deactivated');
    const status = new Map(service.users().map((u) => [u.id, u.status]));
    expect([status.get('E1004'), status.get('E1009'), status.get('E1001')]).to.deep.equal(['deactivated', 'deactivated', 'created']);

    // Raising the limit in the config is the other way to accept a change.
    writeOfficevibeConfig(dir, { ...FIXTURE_CONFIG, ApiUrl: service.apiUrl, safety: { maxDisablePercent: 50 } });
    editDataFile(dir, 'users.csv', (t) =>
      t
        .split('\r\n')
        .filter((line) => !line.startsWith('E1008,'))
        .join('\r\n'),
    );
    editDataFile(dir, 'groups-mapping.csv', (t) =>
      t
        .split('\r\n')
        .filter((line) => !line.includes(',E1008,'))
        .join('\r\n'),
    );
    expect((await officevibePush(service, dir)).code).to.equal(0);
  });

  it('identifies people by email: new email domains with the same ids are refused (exit 4, named by email); new ids with the same emails are pushed', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    expect((await officevibePush(service, dir)).code).to.equal(0);
    const recorded = readFileSync(lastPush(dir), 'utf8');

    // A company rename: every address moves to a new domain, the ids stay.
    const renamed = officevibeWorkspace(service);
    cpSync(join(dir, 'state'), join(renamed, 'state'), { recursive: true });
    editDataFile(renamed, 'users.csv', (t) => t.replace(/@corp\.example\.com/gi, '@newco.example.com'));
    const refused = await officevibePush(service, renamed);
    expect(refused.code, refused.all).to.equal(4);
    expect(refused.stderr).to.include(
      '9 of the 9 people in the last push (100.0%) would be disabled, more than safety.maxDisablePercent (10%): emilie.cote@corp.example.com, taro.yamada@corp.example.com, bob.tables@corp.example.com',
    );
    expect(service.requests).to.have.length(1);
    expect(readFileSync(lastPush(renamed), 'utf8')).to.equal(recorded);

    // New ids (an HR system change), the same people by email: nobody is deactivated.
    const renumber = (t: string) => t.replace(/E10(\d\d)/g, 'HR-20$1');
    editDataFile(dir, 'users.csv', renumber);
    editDataFile(dir, 'groups-mapping.csv', renumber);
    const pushed = await officevibePush(service, dir);
    expect(pushed.code, pushed.all).to.equal(0);
    expect(pushed.stdout).to.include('9 users, 4 groups, 18 mappings (0 new, 9 changed, 0 to be deactivated');
    expect(pushed.stdout).to.include('9 with a new id, e.g. emilie.cote@corp.example.com: E1001 → HR-2001');
    expect(service.users().map((u) => [u.id, u.status])).to.deep.equal(
      ['01', '02', '03', '04', '05', '06', '07', '08', '09'].map((n) => [`HR-20${n}`, 'created']),
    );
  });

  it('refuses an emptied groups.csv after a push with groups (exit 4, naming them); --force pushes it', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    expect((await officevibePush(service, dir)).code).to.equal(0);
    const header = (t: string) => `${t.split('\r\n')[0]}\r\n`;
    editDataFile(dir, 'groups.csv', header);
    editDataFile(dir, 'groups-mapping.csv', header);
    const refused = await officevibePush(service, dir);
    expect(refused.code, refused.all).to.equal(4);
    expect(refused.stderr).to.include('4 of the 4 groups in the last push (100.0%) would be removed, more than safety.maxDisablePercent (10%)');
    expect(refused.stderr).to.include('Engineering (G-ENG)');
    expect(refused.stderr).to.include('every group membership would be removed: the last push had 15 member or manager lines, this one has none');
    expect(service.requests).to.have.length(1);
    expect(service.groups()).to.have.length(4);

    const forced = await officevibePush(service, dir, ['--force']);
    expect(forced.code, forced.all).to.equal(0);
    expect(forced.stderr).to.include('officevibe: --force overrides: 4 of the 4 groups');
    expect(service.groups()).to.deep.equal([]);
    expect(service.users().every((u) => u.status === 'created')).to.equal(true);
  });

  it('a wrong key answered with a redirect to the sign-in page: exit 5 about the API key', async () => {
    const started = await startOfficevibeSandbox({ signInRedirect: true });
    sandboxes.push(started);
    const dir = officevibeWorkspace(started, { ApiKey: 'ov-wrong-key-2222bbbb' });
    const run = await officevibePush(started, dir);
    expect(run.code, run.all).to.equal(5);
    expect(run.stderr).to.include('officevibe: the API key was not accepted');
    expect(run.stderr).to.include('redirect (HTTP 302) to its sign-in page');
    expect(run.stderr).to.include('Check the API key in ApiKey in');
    expect(started.requests.map((r) => r.status)).to.deep.equal([302]);
  });

  it('never pushes an empty users.csv, even with --force', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    expect((await officevibePush(service, dir)).code).to.equal(0);
    editDataFile(dir, 'users.csv', (t) => `${t.split('\r\n')[0]}\r\n`);
    editDataFile(dir, 'groups-mapping.csv', (t) =>
      t
        .split('\r\n')
        .filter((line) => !/,E\d{4},/.test(line))
        .join('\r\n'),
    );
    for (const args of [[], ['--force']]) {
      const run = await officevibePush(service, dir, args);
      expect(run.code, run.all).to.equal(4);
      expect(run.stderr).to.include('has no users: Officevibe would deactivate everyone (all 9 people of the last push)');
    }
    expect(service.requests).to.have.length(1);
  });

  it('a group renamed in groups.csv keeps its id, members and nesting in Officevibe', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    expect((await officevibePush(service, dir)).code).to.equal(0);
    editDataFile(dir, 'groups.csv', (t) => t.replace('G-ENG,Engineering', 'G-ENG,Research & Development'));
    const run = await officevibePush(service, dir);
    expect(run.code, run.all).to.equal(0);
    const group = service.groups().find((g) => g.id === 'G-ENG');
    expect(group).to.deep.include({ name: 'Research & Development', parentId: 'G-ALL', members: ['E1002'], managers: ['E1003'] });
    expect(service.groups().find((g) => g.id === 'G-PLAT')?.parentId).to.equal('G-ENG');
  });

  it("verifies the service's certificate: untrusted → exit 6; caFile trusts a private CA", async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    const untrusted = await officevibePush(service, dir, [], { NODE_EXTRA_CA_CERTS: '' });
    expect(untrusted.code, untrusted.all).to.equal(6);
    expect(untrusted.stderr).to.include("the server's TLS certificate was not accepted");
    expect(service.requests).to.have.length(0);
    writeOfficevibeConfig(dir, { ...FIXTURE_CONFIG, ApiUrl: service.apiUrl, caFile: service.caFile });
    const trusted = await officevibePush(service, dir, [], { NODE_EXTRA_CA_CERTS: '' });
    expect(trusted.code, trusted.all).to.equal(0);
  });

  it('reads the original keys in any letter case, as the original tool did; a misspelt key is named in a warning', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service, {
      ApiKey: undefined,
      SyncManagerEmail: undefined,
      InviteNewUsers: undefined,
      ApiUrl: undefined,
      apikey: KEY,
      SYNCMANAGEREMAIL: 'HR.Admin@corp.example.com',
      inviteNewUsers: 'True',
      apiurl: service.apiUrl,
    });
    const run = await officevibePush(service, dir);
    expect(run.code, run.all).to.equal(0);
    expect((JSON.parse(service.requests[0]!.body) as { settings: unknown }).settings).to.deep.equal({
      syncManagerEmail: 'hr.admin@corp.example.com',
      inviteNewUsers: true,
    });
    expect(service.users().every((u) => u.status === 'invited')).to.equal(true);

    // A misspelt key is not used, so the key it was meant to be is missing.
    const typo = officevibeWorkspace(service, { ApiUrl: undefined, ApiUrll: 'https://app.officevibe.com' });
    const misspelt = await officevibePush(service, typo);
    expect(misspelt.code).to.equal(2);
    expect(misspelt.stderr).to.include('roster does not use "ApiUrll"; ignored');
    expect(misspelt.stderr).to.include('ApiUrl: is required');
    const bad = await officevibePush(service, officevibeWorkspace(service, { SyncManagerEmail: 'not-an-email' }));
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('SyncManagerEmail: "not-an-email" is not an email address');
    expect(service.requests).to.have.length(1);
  });

  it('runs a migrated config.json with keys roster does not use: a warning naming them, and the push works', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service, { LogFile: 'C:\\OV_Sync\\sync.log', Proxy: '', InviteNewUsers: 'False' });
    const run = await officevibePush(service, dir);
    expect(run.code, run.all).to.equal(0);
    expect(run.stderr).to.match(/warn: .*config\.json: roster does not use "LogFile", "Proxy"; ignored/);
    expect(JSON.parse(service.requests[0]!.body)).to.deep.equal(expectedRequest);
  });

  it('names a missing file and the key that points at it (exit 2)', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service, { GroupsFile: 'Data\\teams.csv' });
    const run = await officevibePush(service, dir);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include(`cannot read ${join(dir, 'Data', 'teams.csv')} (GroupsFile): no such file`);
  });

  it('waits for no one: another run holding the lock makes it exit 7', async () => {
    const service = await sandbox();
    const dir = officevibeWorkspace(service);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'state'), { recursive: true });
    writeFileSync(join(dir, 'state', 'roster.lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
    const run = await officevibePush(service, dir);
    expect(run.code, run.all).to.equal(7);
    expect(service.requests).to.have.length(0);
  });
});
