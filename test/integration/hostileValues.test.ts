// Directory values cannot write the log or the alerts, nor run in a spreadsheet. A TITLE with a
// line break shown in a change guard's examples is escaped on the console, in --log-file, in the
// email and the Teams and Slack cards, so it cannot forge "ERROR What to try: run roster sync
// --force"; a carriage return or an escape sequence cannot hide text; Markdown in a value is never
// rendered as a link in Teams or Slack. In --diff-out (a file for people) a cell a spreadsheet
// would take for a formula gets a leading '; the iLobby CSV itself keeps every value as it is.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runRoster, workspace } from '../harness/cli.js';
import { requireBinary } from '../harness/daemon.js';
import { FIELD_MAPPING, ldifLine, PEOPLE_DN, SERVICE_BIND_PASSWORD, skeletonLdif } from '../harness/ldap-fixture.js';
import { startSmtpReceiver, startWebhookReceiver } from '../harness/notifyReceivers.js';
import { slapdDirectoryConfig, startSlapd, type SlapdDirectory } from '../harness/slapd.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startIlobbySandbox } from '../sandbox/ilobby.js';

const BIND_ENV = 'ROSTER_TEST_BIND';
const SECRET_ENV = 'ROSTER_TEST_CLIENT_SECRET';
const SMTP_ENV = 'ROSTER_TEST_SMTP_PASSWORD';
const SMTP_LOGIN = { user: 'roster', password: 'smtp-Pa55word-hostile' };
const FORGED = '2026-01-01T00:00:00.000Z ERROR What to try: run roster sync --force now';
/** The new titles, in email order: the change guard shows the first three as examples. */
const HOSTILE_TITLES = [`Engineer\n${FORGED}`, '[Reset your password](https://evil.example/login)', 'Boss\r\u001b[2K*urgent* <!channel>', 'Manager'];
const FORMULAS = { TITLE: '=HYPERLINK("https://evil.example/x","Open")', DIVISION: '@SUM(1+1)', MOBILE: '+1 416 555 0100', LASTNAME: '-Negative' };

// eslint-disable-next-line no-control-regex -- a raw carriage return or escape character is what must not get through
const RAW_CONTROL = /[\r\u001b]/;

const person = (n: number, extra: Record<string, string> = {}) =>
  `${ldifLine('dn', `uid=p${n},${PEOPLE_DN}`)}objectClass: inetOrgPerson\nuid: p${n}\ncn: Person ${n}\ngivenName: Person\nsn: ${extra.sn ?? `Number${n}`}\nmail: p${n}@example.org\n${ldifLine('title', extra.title ?? 'Engineer')}${extra.ou ? ldifLine('ou', extra.ou) : ''}${extra.mobile ? ldifLine('mobile', extra.mobile) : ''}\n`;

describe('directory values cannot write the log or the alerts', function () {
  let ldap: SlapdDirectory;
  const stops: Array<{ stop(): Promise<void> }> = [];
  before(async function () {
    requireBinary(this, '/usr/sbin/slapd', 'slapd ldap-utils');
    requireBinary(this, '/usr/bin/ldapmodify', 'ldap-utils');
    const dir = workspace({ 'people.ldif': `${skeletonLdif()}${[1, 2, 3, 4].map((n) => person(n)).join('')}` });
    ldap = await startSlapd({ ldifFiles: [join(dir, 'people.ldif')] });
  });
  after(async () => {
    await Promise.all(stops.map((s) => s.stop()));
    await ldap?.stop();
  });
  const directory = () => slapdDirectoryConfig(ldap, BIND_ENV);
  const modify = (ldif: string) =>
    execFileSync('ldapmodify', ['-x', '-H', ldap.ldapUrl, '-D', ldap.adminDn, '-w', ldap.adminPassword], { input: ldif, stdio: ['pipe', 'ignore', 'pipe'] });

  it("a change guard's examples are escaped on the console, in the log file, the email, and the Teams and Slack cards", async () => {
    const service = await startIlobbySandbox();
    const smtp = await startSmtpReceiver(SMTP_LOGIN);
    const teams = await startWebhookReceiver();
    const slack = await startWebhookReceiver();
    stops.push(service, smtp, teams, slack);
    const webhook = (hook: typeof teams, format: string) => ({ type: 'webhook', url: hook.url, format, caFile: hook.caFile });
    const dir = workspace({
      'config.json': {
        directory: directory(),
        fields: 'fields.json',
        csv: { path: 'people.csv' },
        ilobby: { tokenUrl: service.tokenUrl, uploadUrl: service.uploadUrl, clientId: DEFAULT_CLIENT_ID, clientSecretEnv: SECRET_ENV, caFile: service.caFile },
        notify: [
          {
            type: 'email',
            from: 'roster@corp.example',
            to: ['it-ops@corp.example'],
            smtp: { host: '127.0.0.1', port: smtp.port, secure: 'starttls', user: SMTP_LOGIN.user, passwordEnv: SMTP_ENV, caFile: smtp.caFile },
          },
          webhook(teams, 'teams'),
          webhook(slack, 'slack'),
        ],
      },
      'fields.json': FIELD_MAPPING,
    });
    const sync = (args: string[]) =>
      runRoster(['sync', '--config', join(dir, 'config.json'), ...args], {
        cwd: dir,
        env: { [BIND_ENV]: SERVICE_BIND_PASSWORD, [SECRET_ENV]: DEFAULT_CLIENT_SECRET, [SMTP_ENV]: SMTP_LOGIN.password },
      });
    const first = await sync(['--first-push']);
    expect(first.code, first.all).to.equal(0);
    modify(
      HOSTILE_TITLES.map(
        (title, i) => `${ldifLine('dn', `uid=p${i + 1},${PEOPLE_DN}`)}changetype: modify\nreplace: title\n${ldifLine('title', title)}-\n\n`,
      ).join(''),
    );

    const run = await sync(['--log-file', join(dir, 'roster.log')]);
    expect(run.code, run.all).to.equal(4);
    const escapedForgery = `"Engineer\\n${FORGED}"`;
    // Console: the forged line only ever inside the escaped value; no raw CR or escape sequence.
    expect(run.stderr).to.include(escapedForgery);
    for (const line of run.all.split('\n')) expect(line, 'a line the value started').not.to.match(/^\s*(2026-01-01T|ERROR What to try)/);
    expect(run.all).not.to.match(RAW_CONTROL);
    // The log file: every line starts with its own entry's time, and no value starts a line after it.
    const log = readFileSync(join(dir, 'roster.log'), 'utf8');
    expect(log).to.include(escapedForgery);
    for (const line of log.trimEnd().split('\n')) {
      expect(line).to.match(/^\d{4}-\d\d-\d\dT[\d:.]+Z [A-Z]+ /);
      expect(line.replace(/^\S+ [A-Z]+ +/, ''), line).not.to.match(/^(2026-01-01T|ERROR What to try)/);
    }
    expect(log).not.to.match(RAW_CONTROL);
    expect(log).to.include('"Boss\\r\\u001b[2K*urgent* <!channel>"');

    // The email: the same escapes.
    expect(smtp.mails).to.have.length(1);
    const mail = smtp.mails[0]!.text;
    expect(mail).to.include(escapedForgery);
    for (const line of mail.split('\n')) expect(line).not.to.match(/^\s*(2026-01-01T|ERROR What to try)/);
    expect(mail).not.to.match(RAW_CONTROL);

    // Teams: every text a TextRun of a RichTextBlock, which Adaptive Cards never read as Markdown.
    const card = JSON.stringify(teams.posts[0]!.body);
    expect(card).to.include('[Reset your password](https://evil.example/login)');
    const body = (teams.posts[0]!.body as { attachments: Array<{ content: { body: Array<Record<string, unknown>> } }> }).attachments[0]!.content.body;
    expect(body.map((block) => block.type)).to.satisfy((types: string[]) => types.every((type) => type === 'RichTextBlock'));
    expect(body.flatMap((block) => (block.inlines as Array<{ type: string }>).map((run) => run.type))).to.satisfy((types: string[]) =>
      types.every((type) => type === 'TextRun'),
    );
    const texts = body.flatMap((block) => (block.inlines as Array<{ text: string }>).map((run) => run.text));
    expect(texts.join('\n')).not.to.match(RAW_CONTROL);
    expect(texts.join('\n')).to.include(escapedForgery);
    // Slack: plain_text only, which Slack never formats or links.
    const message = slack.posts[0]!.body as { blocks: Array<{ text: { type: string; text: string } }> };
    expect(message.blocks.map((block) => block.text.type)).to.deep.equal(['plain_text', 'plain_text']);
    expect(message.blocks[1]!.text.text).to.include('[Reset your password](https://evil.example/login)');
    expect(message.blocks[1]!.text.text).to.include('\\r\\u001b[2K*urgent* <!channel>');
  });

  it("--diff-out neutralises cells a spreadsheet would run (a leading '), while the iLobby CSV keeps them byte for byte", async () => {
    modify(
      `${person(5, { title: FORMULAS.TITLE, ou: FORMULAS.DIVISION, mobile: FORMULAS.MOBILE, sn: FORMULAS.LASTNAME })
        .replace(/^dn: .*\n/, (dn) => `${dn}changetype: add\n`)
        .trimEnd()}\n\n`,
    );
    const dir = workspace({ 'config.json': { directory: directory(), fields: 'fields.json', csv: { path: 'people.csv' } }, 'fields.json': FIELD_MAPPING });
    const run = await runRoster(['export', '--config', join(dir, 'config.json'), '--diff-out', join(dir, 'changes.csv')], {
      cwd: dir,
      env: { [BIND_ENV]: SERVICE_BIND_PASSWORD },
    });
    expect(run.code, run.all).to.equal(0);
    const csv = parse<Record<string, string>>(readFileSync(join(dir, 'people.csv'), 'utf8'), { columns: true });
    const exported = csv.find((row) => row.EMAIL === 'p5@example.org')!;
    expect(exported).to.deep.include({ TITLE: FORMULAS.TITLE, DIVISION: FORMULAS.DIVISION, MOBILE: FORMULAS.MOBILE, LASTNAME: FORMULAS.LASTNAME });
    const changes = parse<Record<string, string>>(readFileSync(join(dir, 'changes.csv'), 'utf8'), { columns: true });
    const listed = changes.find((row) => row.EMAIL === 'p5@example.org')!;
    expect(listed).to.deep.include({
      TITLE: `'${FORMULAS.TITLE}`,
      DIVISION: `'${FORMULAS.DIVISION}`,
      MOBILE: `'${FORMULAS.MOBILE}`,
      LASTNAME: `'${FORMULAS.LASTNAME}`,
      FIRSTNAME: 'Person',
    });
  });
});
