// Generated users for the Samba AD benchmark: `count` enabled accounts under OU=Bench, loaded
// offline by startSamba({ extraLdifFiles }). Each one carries the same values as person `i` of
// the generated OpenLDAP directory (ldap-fixture.ts generatedPerson: accented, Cyrillic and
// Japanese names, "Smith, Jr." and "O'Neil"), with AD's attribute names, so the CSV roster must
// produce with the default AD mapping is exactly writeGeneratedExpectedCsv(path, count).
import { closeSync, openSync, writeSync } from 'node:fs';
import { BASE_DN } from '../harness/ad-fixture.js';
import { generatedPerson, ldifLine } from '../harness/ldap-fixture.js';

export const BENCH_OU = `OU=Bench,${BASE_DN}`;

// Enabled account flags as on a real DC: normal account, password not required, never expires.
const ENABLED_UAC = [512, 544, 66048, 66080];

function userEntry(i: number): string {
  const p = generatedPerson(i);
  const sam = `bench${String(i).padStart(6, '0')}`;
  const attributes: Array<[string, string | undefined]> = [
    ['objectClass', 'user'],
    ['sAMAccountName', sam],
    ['userPrincipalName', `${sam}@corp.example.com`],
    ['givenName', p.givenName],
    ['sn', p.sn],
    ['displayName', p.cn],
    ['title', p.title],
    ['department', p.ou],
    ['mail', p.mail],
    ['mobile', p.mobile],
    ['telephoneNumber', p.telephoneNumber],
    ['physicalDeliveryOfficeName', p.l],
    ['userAccountControl', String(ENABLED_UAC[i % ENABLED_UAC.length])],
  ];
  let out = ldifLine('dn', `CN=${sam},${BENCH_OU}`);
  for (const [name, value] of attributes) if (value !== undefined) out += ldifLine(name, value);
  return `${out}\n`;
}

/** OU=Bench and `count` users in it, streamed to `path`. No "version: 1" line: Samba's reader refuses it. */
export function writeAdPeopleLdif(path: string, count: number): void {
  const fd = openSync(path, 'w');
  try {
    let batch = `${ldifLine('dn', BENCH_OU)}objectClass: organizationalUnit\n\n`;
    for (let i = 0; i < count; i++) {
      batch += userEntry(i);
      if (batch.length >= 1 << 20) {
        writeSync(fd, batch);
        batch = '';
      }
    }
    if (batch) writeSync(fd, batch);
  } finally {
    closeSync(fd);
  }
}
