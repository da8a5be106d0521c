// The mapping language and Active Directory's realities, against Samba: a few accounts made for
// this file under OU=Realities (multi-valued phones, proxyAddresses, accountExpires, a photo).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Attribute, Client } from 'ldapts';
import { fileTime } from '../../src/directory/filter.js';
import { runRoster, workspace } from '../harness/cli.js';
import { useSamba } from '../harness/sambaSuite.js';

const HEADER = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';
const FIELDS = {
  FIRSTNAME: { attribute: 'givenName', transform: 'title' },
  LASTNAME: { attribute: 'sn', transform: 'upper' },
  TITLE: { attribute: 'title', maxLength: 20 },
  DIVISION: { attributes: ['thumbnailPhoto', 'department'], default: 'Unassigned' },
  EMAIL: ['proxyAddresses', 'mail'],
  MOBILE: { attribute: 'mobile', phone: 'e164', country: 'CA' },
  DESKPHONE: { attribute: 'otherTelephone', phone: 'e164', country: 'CA' },
  SITE: { attribute: 'distinguishedName', match: 'OU=([^,]+),OU=Realities', map: { TOR: 'Toronto', MTL: 'Montreal' }, allowed: ['Toronto', 'Montreal'] },
};
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);

describe('mapping language and AD realities (Samba)', function () {
  let realities: string;

  const ad = useSamba();
  before(async () => {
    realities = `OU=Realities,${ad().baseDn}`;
    const admin = new Client({ url: ad().ldapsUrl, tlsOptions: { ca: readFileSync(ad().caFile) }, timeout: 30_000 });
    await admin.bind(ad().adminDn, ad().adminPassword);
    try {
      await admin.add(realities, { objectClass: ['top', 'organizationalUnit'], ou: 'Realities' });
      for (const ou of ['TOR', 'MTL', 'PAR']) await admin.add(`OU=${ou},${realities}`, { objectClass: ['top', 'organizationalUnit'], ou });
      const user = (cn: string, ou: string, attributes: Record<string, string | string[]>, binary: Attribute[] = []) =>
        admin.add(`CN=${cn},OU=${ou},${realities}`, [
          ...Object.entries({
            objectClass: ['top', 'person', 'organizationalPerson', 'user'],
            sAMAccountName: cn.replace(/\W/g, '').slice(0, 18),
            userAccountControl: '544',
            ...attributes,
          }).map(([type, value]) => new Attribute({ type, values: Array.isArray(value) ? value : [value] })),
          ...binary,
        ]);
      await user(
        'Ada Lovelace',
        'TOR',
        {
          givenName: 'ada',
          sn: 'lovelace-byron',
          title: 'Senior Principal Visitor Experience Lead',
          department: 'Research',
          mobile: '(416) 555-0123',
          otherTelephone: ['416 555 0300', '416 555 0100', '416 555 0200'],
          proxyAddresses: ['smtp:ada.alias@corp.example.com', 'X500:/o=Corp/ou=Exchange/cn=ada', 'SMTP:Ada.Lovelace@corp.example.com'],
          mail: 'old.ada@corp.example.com',
        },
        [new Attribute({ type: 'thumbnailPhoto', values: [JPEG] })],
      );
      await user('Emile Nelligan', 'MTL', {
        givenName: 'émile',
        sn: 'nelligan',
        title: 'Poet',
        mobile: 'call reception',
        mail: 'emile.nelligan@corp.example.com',
      });
      await user('Expired Person', 'MTL', {
        givenName: 'expired',
        sn: 'person',
        mail: 'expired.person@corp.example.com',
        accountExpires: fileTime(new Date('2020-01-01T00:00:00Z')),
      });
      await user('Future Person', 'TOR', {
        givenName: 'future',
        sn: 'person',
        mail: 'future.person@corp.example.com',
        accountExpires: fileTime(new Date('2099-01-01T00:00:00Z')),
      });
      await user('Never Person', 'TOR', { givenName: 'never', sn: 'person', mail: 'never.person@corp.example.com', accountExpires: '0' });
      await user('Paris Person', 'PAR', { givenName: 'paris', sn: 'person', mail: 'paris.person@corp.example.com' });
    } finally {
      await admin.unbind();
    }
  });

  async function exportWith(directory: Record<string, unknown>, fields: unknown = FIELDS) {
    const dir = workspace({
      'config.json': {
        directory: { url: ad().ldapsUrl, caFile: ad().caFile, bindDn: ad().bindDn, bindPasswordEnv: 'BIND_PW', searchBases: [realities], ...directory },
        fields: 'fields.json',
      },
      'fields.json': fields,
    });
    const run = await runRoster(['export', '--config', join(dir, 'config.json')], { env: { BIND_PW: ad().bindPassword } });
    const csvPath = join(dir, 'adextract.csv');
    return { ...run, csv: existsSync(csvPath) ? readFileSync(csvPath, 'utf8') : undefined };
  }

  const ada = 'Ada,LOVELACE-BYRON,Senior Principal Vis,Research,ada.lovelace@corp.example.com,+14165550123,+14165550100,Toronto';
  const emile = 'Émile,NELLIGAN,Poet,Unassigned,emile.nelligan@corp.example.com,call reception,,Montreal';
  const future = 'Future,PERSON,,Unassigned,future.person@corp.example.com,,,Toronto';
  const never = 'Never,PERSON,,Unassigned,never.person@corp.example.com,,,Toronto';
  const expired = 'Expired,PERSON,,Unassigned,expired.person@corp.example.com,,,Montreal';

  it('applies every mapping feature and leaves out expired accounts with excludeExpired', async () => {
    const run = await exportWith({ excludeExpired: true });
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal([HEADER, ada, emile, future, never, ''].join('\n'));
    expect(run.stdout).to.include('skipped (value not allowed): 1, e.g. CN=Paris Person,OU=PAR');
    expect(run.stdout).to.include('warning (phone number left as it was (not a valid number)): 1, e.g. CN=Emile Nelligan');
    expect(run.stdout).to.include('warning (value cut to maxLength): 1, e.g. CN=Ada Lovelace');
  });

  it('keeps expired accounts without excludeExpired', async () => {
    const run = await exportWith({});
    expect(run.code, run.all).to.equal(0);
    expect(run.csv).to.equal([HEADER, ada, emile, expired, future, never, ''].join('\n'));
  });

  it('gives objectGUID in its standard text form, never binary', async () => {
    const run = await exportWith({ filter: '(sAMAccountName=AdaLovelace)' }, { EMAIL: 'mail', FIRSTNAME: 'objectGUID', LASTNAME: 'thumbnailPhoto' });
    expect(run.code, run.all).to.equal(0);
    // Samba's extended-DN control gives the GUID as text, independently of roster.
    const extended = execFileSync(
      'ldapsearch',
      [
        '-LLL',
        '-o',
        'ldif-wrap=no',
        '-H',
        ad().ldapsUrl,
        '-x',
        '-D',
        ad().bindDn,
        '-w',
        ad().bindPassword,
        '-E',
        '1.2.840.113556.1.4.529=::MAMCAQE=',
        '-b',
        realities,
        '(sAMAccountName=AdaLovelace)',
        'dn',
      ],
      { env: { ...process.env, LDAPTLS_CACERT: ad().caFile } },
    ).toString();
    // The DN starts with "<", so LDIF gives it base64-encoded.
    const dn = Buffer.from(/^dn:: (\S+)/m.exec(extended)?.[1] ?? '', 'base64').toString('utf8');
    const guid = /<GUID=([0-9a-f-]{36})>/.exec(dn)?.[1];
    expect(guid, extended).to.match(/^[0-9a-f]{8}-/);
    expect(run.csv).to.equal(`${HEADER}\n${guid},,,,old.ada@corp.example.com,,,\n`);
  });

  it('reports referrals it does not follow', async () => {
    const run = await exportWith({ searchBases: [ad().baseDn], filter: '(&(objectCategory=person)(objectClass=user)(sAMAccountName=AdaLovelace))' });
    expect(run.code, run.all).to.equal(0);
    expect(run.stderr).to.match(
      /the server returned \d+ referral\(s\) that roster does not follow \(e\.g\. ldaps?:\/\/\S+\); people behind them are not in the extract/,
    );
  });

  it('moves on to the next domain controller when the first is down', async () => {
    const run = await exportWith({ url: ['ldaps://127.0.0.1:1', ad().ldapsUrl] });
    expect(run.code, run.all).to.equal(0);
    expect(run.stderr).to.include('cannot reach ldaps://127.0.0.1:1: ECONNREFUSED; trying the next domain controller');
    expect(run.csv).to.include(ada);
  });

  it('exits 2 naming the column for a mapping mistake', async () => {
    const run = await exportWith({}, { ...FIELDS, SITE: { attribute: 'l', match: '([unclosed' } });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/fields\.json: SITE\.match: is not a valid regular expression/);
  });
});
