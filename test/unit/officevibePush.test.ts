// The pure parts of `roster officevibe push`: config.json, reading the three files, validation,
// nesting cycles, the request, Officevibe's answer and the changes against the last push.
import { expect } from 'chai';
import { join, resolve } from 'node:path';
import { ConfigError, CredentialsRejectedError, ExitCode, ServiceError } from '../../src/platform/errors.js';
import { parseOfficevibeConfig, requireExportSettings, requirePushSettings } from '../../src/officevibe/config.js';
import { findNestingCycles } from '../../src/officevibe/cycles.js';
import { decodeCsv } from '../../src/officevibe/encoding.js';
import { formatTable, GROUPS_SPEC, MAPPINGS_SPEC, readTable, USERS_SPEC, type TableSpec } from '../../src/officevibe/files.js';
import { buildSyncRequest } from '../../src/officevibe/request.js';
import { validateFiles } from '../../src/officevibe/validate.js';
import { interpretSyncAnswer } from '../../src/officevibe/api/answer.js';

const DIR = resolve('/srv/ov');
const FILE = join(DIR, 'config.json');
const original = { ApiKey: 'k-123456', SyncManagerEmail: 'Admin@corp.example.com', InviteNewUsers: false, ApiUrl: 'https://app.officevibe.com' };
const parse = (json: unknown) => parseOfficevibeConfig(json as never, FILE, DIR);
function problemsOf(json: unknown): string[] {
  try {
    parse(json);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Officevibe config.json', () => {
  it("reads the original tool's keys, with its defaults for the files and roster's for the rest", () => {
    const config = parse(original);
    expect(config.apiKey).to.deep.equal({ kind: 'config', value: 'k-123456', configKey: 'ApiKey' });
    expect(config.syncUrl).to.equal('https://app.officevibe.com/api/v2/sync');
    expect(config.inviteNewUsers).to.equal(false);
    expect(config.files).to.deep.equal({
      users: join(DIR, 'Data/users.csv'),
      groups: join(DIR, 'Data/groups.csv'),
      mappings: join(DIR, 'Data/groups-mapping.csv'),
    });
    expect(config.stateDir).to.equal(join(DIR, 'state'));
    expect(config.safety).to.deep.equal({ minRows: 1, maxDisableCount: 500, maxDisablePercent: 10, maxChangePercent: 25 });
    expect(config.directory).to.equal(undefined);
    expect(config.export.users.id).to.deep.equal(['sAMAccountName']);
  });

  it('reads keys in any letter case, as PowerShell does, but not the same key twice', () => {
    const config = parse({
      apikey: 'k-123456',
      SYNCMANAGEREMAIL: 'a@corp.example.com',
      inviteNewUsers: 'TRUE',
      apiUrl: 'https://sandbox.officevibe.com/',
      usersfile: 'D\\u.csv',
    });
    expect(config.inviteNewUsers).to.equal(true);
    expect(config.syncUrl).to.equal('https://sandbox.officevibe.com/api/v2/sync');
    if (process.platform !== 'win32') expect(config.files.users).to.equal(join(DIR, 'D', 'u.csv')); // a path written on Windows
    expect(problemsOf({ ...original, apiKey: 'other' })).to.deep.equal([
      'ApiKey: is given twice ("ApiKey" and "apiKey"; keys are case-insensitive, as in the original tool)',
    ]);
  });

  it("reports every problem with its key: secrets given twice, booleans, URLs, roster's own sections (strict)", () => {
    const problems = problemsOf({
      ...original,
      ApiKeyEnv: 'OV_KEY',
      InviteNewUsers: 'yes',
      ApiUrl: 'http://app.officevibe.com',
      SyncManagerEmail: 'admin',
      Proxy: 'x',
      safety: { maxDisablePercent: 200 },
      directory: { url: 'ldaps://dc1', searchBase: 'OU=x' },
    });
    expect(problems).to.include('ApiKey: set only one of ApiKey, ApiKeyEnv or ApiKeyFile');
    expect(problems).to.include('InviteNewUsers: must be true or false, found string "yes"');
    expect(problems).to.include('ApiUrl: "http://app.officevibe.com" must start with https:// (the API key is sent with every request)');
    expect(problems).to.include('SyncManagerEmail: "admin" is not an email address');
    expect(problems.filter((p) => p.startsWith('Proxy'))).to.deep.equal([]);
    expect(problems).to.include('safety.maxDisablePercent: must be a number from 0 to 100, found number 200');
    expect(problems).to.include('directory.searchBase: unknown key (check its spelling and case)');
    expect(problems).to.include('directory.searchBases: is required: the OUs to read people from');
  });

  it('lists top-level keys the original tool had and roster does not use, without refusing them', () => {
    const config = parse({ ...original, Proxy: 'http://proxy:8080', LogLevel: 'Verbose', $comment: 'ok' });
    expect(config.ignoredKeys).to.deep.equal(['Proxy', 'LogLevel']);
    expect(parse(original).ignoredKeys).to.deep.equal([]);
  });

  it('keeps an ApiUrl that already ends with the sync path, and prefers ApiKeyEnv / ApiKeyFile sources', () => {
    expect(parse({ ...original, ApiUrl: 'https://app.officevibe.com/api/v2/sync' }).syncUrl).to.equal('https://app.officevibe.com/api/v2/sync');
    const { ApiKey: _ignored, ...withoutKey } = original;
    expect(parse({ ...withoutKey, ApiKeyEnv: 'OV_KEY' }).apiKey).to.deep.equal({ kind: 'env', name: 'OV_KEY', configKey: 'ApiKeyEnv' });
    expect(parse({ ...withoutKey, ApiKeyFile: 'key.txt' }).apiKey).to.deep.equal({ kind: 'file', path: join(DIR, 'key.txt'), configKey: 'ApiKeyFile' });
  });

  it('push needs the key, SyncManagerEmail and ApiUrl; export needs directory and export.groups', () => {
    const empty = parse({});
    expect(() => requirePushSettings(empty))
      .to.throw(ConfigError)
      .with.property('problems')
      .that.has.length(3);
    expect(() => requireExportSettings(empty))
      .to.throw(ConfigError)
      .with.property('problems')
      .that.has.length(2);
  });

  it('checks the export section: attributes, binary ids, one way of choosing groups', () => {
    const config = parse({ export: { users: { id: 'employeeID', language: 'preferredLanguage', jobTitle: null }, groups: { dns: 'CN=All,OU=G,DC=x' } } });
    expect(config.export.users.id).to.deep.equal(['employeeID']);
    expect(config.export.users.language).to.deep.equal(['preferredLanguage']);
    expect(config.export.users.jobTitle).to.deep.equal([]);
    expect(config.export.groups).to.deep.equal({ kind: 'dns', dns: ['CN=All,OU=G,DC=x'] });
    const problems = problemsOf({ export: { users: { id: 'objectGUID', email: null, phone: 'mobile' }, groups: { dns: ['CN=A'], filter: '(cn=*)' } } });
    expect(problems).to.deep.equal([
      'export.users.id: objectGUID is a binary attribute; use a text one (e.g. sAMAccountName, employeeID, mail)',
      'export.users.email: cannot be null: every user needs one',
      'export.users.phone: unknown key (check its spelling and case)',
      'export.groups: set exactly one of "dns" (a list of group DNs) or "filter" (an LDAP filter for groups)',
    ]);
  });
});

const BOM = '\uFEFF';
const bytes = (text: string) => new TextEncoder().encode(text);

describe('reading the Officevibe CSV files', () => {
  it('wants UTF-8 with a BOM, and says what a file is instead', () => {
    const check = { ignoreEncoding: false };
    expect(decodeCsv(bytes(`${BOM}id,name\n`), 'g.csv', check)).to.deep.equal({ text: 'id,name\n' });
    expect(decodeCsv(bytes('id,name\n'), 'g.csv', check))
      .to.have.property('problem')
      .that.match(/^g\.csv is not UTF-8 with BOM.*\(this file is UTF-8 without a BOM\).*--ignore-encoding/);
    expect(decodeCsv(Buffer.from('id,name\n1,Caf\xe9\n', 'latin1'), 'g.csv', check))
      .to.have.property('problem')
      .that.match(/^g\.csv is not UTF-8 with BOM.*\(this file is not UTF-8 at all \(probably Windows-1252/);
    expect(decodeCsv(Buffer.from([0xff, 0xfe, 0x69, 0x00]), 'g.csv', check))
      .to.have.property('problem')
      .that.match(/is UTF-16 text/);
    expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,name\n1,Caf\xe9\n', 'latin1')]), 'g.csv', check))
      .to.have.property('problem')
      .that.match(/^g\.csv line 2: not UTF-8 text although the file starts with a UTF-8 BOM/);
    expect(decodeCsv(new Uint8Array(), 'g.csv', check))
      .to.have.property('problem')
      .that.match(/is empty/);
  });

  it('--ignore-encoding reads what the original read: UTF-8, else Windows-1252 with a warning; UTF-16 by its BOM', () => {
    const bypass = { ignoreEncoding: true };
    expect(decodeCsv(bytes('id,name\n1,Café\n'), 'g.csv', bypass)).to.deep.equal({ text: 'id,name\n1,Café\n' });
    // 0x80 is the euro sign in Windows-1252 (and a control character in ISO-8859-1).
    const ansi = decodeCsv(Buffer.from([...Buffer.from('id,name\n1,J', 'latin1'), 0xfc, ...Buffer.from('rgen ', 'latin1'), 0x80, 0x0a]), 'g.csv', bypass);
    expect(ansi).to.have.property('text', 'id,name\n1,Jürgen €\n');
    expect(ansi)
      .to.have.property('warning')
      .that.match(/^g\.csv is not UTF-8: read as Windows-1252/);
    expect(decodeCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\n1,Ñuñez\n', 'utf16le')]), 'g.csv', bypass)).to.deep.equal({
      text: 'id,name\n1,Ñuñez\n',
    });
    expect(decodeCsv(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('id\n', 'utf16le').swap16()]), 'g.csv', bypass)).to.deep.equal({ text: 'id\n' });
    expect(decodeCsv(bytes(`${BOM}id,name\n`), 'g.csv', bypass)).to.deep.equal({ text: 'id,name\n' });
  });

  it('counts lines as an editor does: CRLF, line breaks inside quotes, empty lines', () => {
    const text = 'id,name\r\nG1,"two\r\nlines"\r\n\r\nG2,plain\r\n"G3","x"';
    const { table, problems } = readTable(text, 'g.csv', GROUPS_SPEC);
    expect(problems).to.deep.equal([]);
    expect(table!.records.map((r) => [r.line, r.cells.get('id'), r.cells.get('name')])).to.deep.equal([
      [2, 'G1', 'two\r\nlines'],
      [5, 'G2', 'plain'],
      [6, 'G3', 'x'],
    ]);
  });

  it('reads header names in any case and order; keeps extra columns only in users.csv', () => {
    const users = readTable('EMAIL,ID,Department\n a@x.org , u1 ,Sales\n', 'u.csv', USERS_SPEC);
    expect(users.table!.columns).to.deep.equal(['email', 'id', 'Department']);
    expect([...users.table!.records[0]!.cells]).to.deep.equal([
      ['email', 'a@x.org'],
      ['id', 'u1'],
      ['Department', 'Sales'],
    ]);
    expect(readTable('id,name,description\n', 'g.csv', GROUPS_SPEC).problems).to.deep.equal([
      'g.csv line 1: unknown column "description" (the columns are id,name)',
    ]);
    expect(readTable('groupId,userId\n', 'm.csv', MAPPINGS_SPEC).problems).to.deep.equal([
      'm.csv line 1: the header has no "subGroupId", "isMember", "isManager" column (found: groupId,userId)',
    ]);
    expect(readTable('id,name,ID\n', 'g.csv', GROUPS_SPEC).problems).to.deep.equal(['g.csv line 1: column "ID" appears twice']);
  });

  it('reports wrong field counts, CSV syntax errors and semicolon-separated files', () => {
    const spec: TableSpec = GROUPS_SPEC;
    expect(readTable('id,name\nG1\nG2,b,c\n', 'g.csv', spec).problems).to.deep.equal([
      'g.csv line 2: 1 fields, expected 2 (id,name)',
      'g.csv line 3: 3 fields, expected 2 (id,name)',
    ]);
    expect(readTable('id,name\nG1,"open\n', 'g.csv', spec).problems[0]).to.match(/^g\.csv: not valid CSV: Quote Not Closed/);
    expect(readTable('id;name\nG1;a\n', 'g.csv', spec).problems[0]).to.match(/^g\.csv line 1: the file is separated by ";"/);
  });

  it('writes what it reads: BOM, header, RFC 4180 quoting, LF', () => {
    const text = formatTable(
      ['id', 'name'],
      [
        ['G1', 'A, B'],
        ['G2', 'say "hi"'],
        ['G3', 'two\nlines'],
        ['G4', 'cr\rhere'],
      ],
    );
    expect(text).to.equal(`${BOM}id,name\nG1,"A, B"\nG2,"say ""hi"""\nG3,"two\nlines"\nG4,"cr\rhere"\n`);
    const back = readTable(text.slice(1), 'g.csv', GROUPS_SPEC).table!;
    expect(back.records.map((r) => r.cells.get('name'))).to.deep.equal(['A, B', 'say "hi"', 'two\nlines', 'cr\rhere']);
  });
});

function tables(users: string, groups: string, mappings: string) {
  const read = (text: string, file: string, spec: TableSpec) => {
    const { table, problems } = readTable(text, file, spec);
    expect(problems).to.deep.equal([]);
    return table!;
  };
  return {
    users: read(users, 'users.csv', USERS_SPEC),
    groups: read(groups, 'groups.csv', GROUPS_SPEC),
    mappings: read(mappings, 'groups-mapping.csv', MAPPINGS_SPEC),
  };
}
const USERS = 'id,email,firstName,isRemote\nU1,A@x.org,Ann,TRUE\nU2,b@x.org,Bob,\nU3,c@x.org,,false\n';
const GROUPS = 'id,name\nG1,All\nG2,Sales\nG3,East\n';
const MAPPINGS_HEADER = 'groupId,userId,subGroupId,isMember,isManager\n';

describe('validating the three files together', () => {
  it('accepts consistent files', () => {
    const { data, problems } = validateFiles(tables(USERS, GROUPS, `${MAPPINGS_HEADER}G1,U1,,TRUE,FALSE\nG1,,G2,,\nG2,,G3,FALSE,FALSE\nG3,U2,,false,true\n`));
    expect(problems).to.deep.equal([]);
    expect(data.users.map((u) => u.email)).to.deep.equal(['a@x.org', 'b@x.org', 'c@x.org']);
    expect(data.mappings.map((m) => [m.groupId, m.userId, m.subGroupId, m.isMember, m.isManager])).to.deep.equal([
      ['G1', 'U1', undefined, true, false],
      ['G1', undefined, 'G2', undefined, undefined],
      ['G2', undefined, 'G3', false, false],
      ['G3', 'U2', undefined, false, true],
    ]);
  });

  it('names the file, the line and the value of every problem', () => {
    const { problems } = validateFiles(
      tables(
        'id,email\nU1,a@x.org\nU1,b@x.org\nU3,not-an-address\nU4,A@X.org\n,e@x.org\n',
        'id,name\nG1,All\nG1,Again\nG3,\n',
        `${MAPPINGS_HEADER}G9,U1,,TRUE,FALSE\nG1,U9,,TRUE,FALSE\nG1,,G8,,\nG1,U1,,yes,FALSE\nG1,,,TRUE,FALSE\nG1,U1,G1,TRUE,TRUE\nG1,,G1,,\nG1,U3,,TRUE,FALSE\nG1,U1,,TRUE,FALSE\nG1,U1,,FALSE,TRUE\n`,
      ),
    );
    expect(problems).to.deep.equal([
      'users.csv line 3: id "U1" is already used on line 2',
      'users.csv line 4: email "not-an-address" is not a valid address',
      'users.csv line 5: email "A@X.org" is already used on line 2',
      'users.csv line 6: id is empty',
      'groups.csv line 3: id "G1" is already used on line 2',
      'groups.csv line 4: name is empty (id "G3")',
      'groups-mapping.csv line 2: groupId "G9" is not an id in the groups file',
      'groups-mapping.csv line 3: userId "U9" is not an id in the users file',
      'groups-mapping.csv line 4: subGroupId "G8" is not an id in the groups file',
      'groups-mapping.csv line 5: isMember must be TRUE or FALSE, found "yes"',
      'groups-mapping.csv line 6: set userId (a membership) or subGroupId (a nested group)',
      'groups-mapping.csv line 7: userId "U1" and subGroupId "G1" are both set; a line is either a membership or a nesting',
      'groups-mapping.csv line 8: group "G1" is nested in itself',
      'groups-mapping.csv line 11: the same membership of "U1" in group "G1" is already on line 10',
    ]);
  });

  it('finds nesting cycles and names their lines', () => {
    const { problems } = validateFiles(tables(USERS, GROUPS, `${MAPPINGS_HEADER}G1,,G2,,\nG2,,G3,,\nG3,,G1,,\n`));
    expect(problems).to.deep.equal(['groups-mapping.csv lines 2, 3, 4: groups nested in a cycle: "G1" ⊃ "G2" ⊃ "G3" ⊃ "G1"']);
  });
});

describe('nesting cycles', () => {
  const edges = (...pairs: [string, string][]) => pairs.map(([parent, child], index) => ({ parent, child, line: index + 2 }));
  it('finds none in trees and diamonds', () => {
    expect(findNestingCycles(edges(['A', 'B'], ['A', 'C'], ['B', 'D'], ['C', 'D'], ['D', 'E']))).to.deep.equal([]);
  });
  it('reports each cycle once, starting from its smallest id', () => {
    expect(findNestingCycles(edges(['B', 'C'], ['C', 'A'], ['A', 'B'], ['X', 'Y'], ['Y', 'X']))).to.deep.equal([
      { path: ['A', 'B', 'C', 'A'], lines: [4, 2, 3] },
      { path: ['X', 'Y', 'X'], lines: [5, 6] },
    ]);
  });
  it('copes with deep nesting without recursion', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => [`g${i}`, `g${i + 1}`] as [string, string]);
    expect(findNestingCycles(edges(...chain))).to.deep.equal([]);
    expect(findNestingCycles(edges(...chain, ['g20000', 'g0']))[0]?.path).to.have.length(20_002);
  });
});

describe('the sync request', () => {
  it('turns TRUE/FALSE in extra user columns into booleans and empty cells into null; standard columns stay text', () => {
    const { data } = validateFiles(tables('id,email,jobTitle,isRemote,team\nU1,A@x.org,TRUE,true,\n', GROUPS, MAPPINGS_HEADER));
    const request = buildSyncRequest({ syncManagerEmail: ' Admin@X.org ', inviteNewUsers: true }, data);
    expect(request).to.deep.equal({
      settings: { syncManagerEmail: 'admin@x.org', inviteNewUsers: true },
      users: [{ id: 'U1', email: 'a@x.org', jobTitle: 'TRUE', isRemote: true, team: null }],
      groups: [
        { id: 'G1', name: 'All' },
        { id: 'G2', name: 'Sales' },
        { id: 'G3', name: 'East' },
      ],
      mappings: [],
    });
  });
});

describe("Officevibe's answer to a sync", () => {
  const URL = 'https://app.officevibe.com/api/v2/sync';
  const answer = (status: number, contentType: string, body: string) => () =>
    interpretSyncAnswer(URL, { status, headers: { 'content-type': contentType }, body: Buffer.from(body) }, 'ApiKeyEnv OV_KEY');

  it('accepts {isSuccess: true}, passing on any errors it lists', () => {
    expect(answer(200, 'application/json; charset=utf-8', '{"isSuccess":true,"errors":[]}')()).to.deep.equal({ status: 200, errors: [] });
    expect(answer(200, 'application/json', '{"isSuccess":true,"errors":["E7: imageUrl ignored"]}')().errors).to.deep.equal(['E7: imageUrl ignored']);
  });

  it('takes an HTML page (the sign-in page), 401 or 403 for a key that was not accepted: exit 5', () => {
    for (const fn of [
      answer(200, 'text/html', '<!DOCTYPE html><html>Sign in</html>'),
      answer(200, '', '  <html><body>login'),
      answer(401, 'application/json', '{}'),
      answer(403, 'text/plain', 'no'),
    ]) {
      expect(fn)
        .to.throw(CredentialsRejectedError, /^officevibe: the API key was not accepted/)
        .with.property('exitCode', ExitCode.credentialsRejected);
    }
    expect(answer(200, 'text/html', '<html>'))
      .to.throw(CredentialsRejectedError)
      .with.property('hint')
      .that.includes('Check the API key in ApiKeyEnv OV_KEY');
  });

  it('turns isSuccess false into exit 6 listing the errors, whatever their shape', () => {
    expect(answer(200, 'application/json', '{"isSuccess":false,"errors":["bad user",{"message":"bad group"},{"code":7}]}')).to.throw(
      ServiceError,
      'officevibe: the service refused the sync (isSuccess: false, HTTP 200):\n  - bad user\n  - bad group\n  - {"code":7}',
    );
    expect(answer(400, 'application/json', '{"isSuccess":false}')).to.throw(ServiceError, '(no errors listed)');
  });

  it('exit 5 for a redirect to a sign-in page, as for the sign-in page itself', () => {
    for (const location of ['https://app.officevibe.com/login', '/Account/Login?ReturnUrl=%2Fapi%2Fv2%2Fsync', 'https://login.example.com/signin']) {
      expect(() => interpretSyncAnswer(URL, { status: 302, headers: { location }, body: Buffer.alloc(0) }, 'k')).to.throw(
        CredentialsRejectedError,
        `the API key was not accepted: ${URL} answered with a redirect (HTTP 302) to its sign-in page`,
      );
    }
  });

  it('exit 6 for anything else: a 5xx, another redirect, a 2xx without the expected JSON', () => {
    expect(answer(503, 'text/html', '<html>down for maintenance</html>')).to.throw(ServiceError, 'answered HTTP 503: <html>down for maintenance</html>');
    expect(() =>
      interpretSyncAnswer(URL, { status: 301, headers: { location: 'https://www.officevibe.com/api/v2/sync' }, body: Buffer.alloc(0) }, 'k'),
    ).to.throw(ServiceError, 'redirect (HTTP 301) to https://www.officevibe.com/api/v2/sync');
    expect(answer(200, 'application/json', '{"ok":true}')).to.throw(ServiceError, 'without the expected {isSuccess, errors} JSON');
  });
});
