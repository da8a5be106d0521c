// Notifications and roster status end to end: real SMTP and HTTPS receivers on loopback, a real
// Samba directory and the iLobby sandbox; the state folder is all roster status reads.
import { expect } from 'chai';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedExtract, TORONTO_DN } from '../harness/ad-fixture.js';
import { workspace } from '../harness/cli.js';
import { validate } from '../harness/jsonSchema.js';
import { closedPort, startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from '../harness/notifyReceivers.js';
import { useSamba } from '../harness/sambaSuite.js';
import { expectedRecords, rosterIn, startSandbox, syncConfig } from '../harness/syncSetup.js';
import { DEFAULT_CLIENT_SECRET } from '../sandbox/ilobby.js';
import { startConnectProxy } from '../sandbox/proxy.js';
import { packageRoot } from '../../src/platform/paths.js';

const SMTP_ENV = 'ROSTER_TEST_SMTP_PASSWORD';
const SMTP_LOGIN = { user: 'roster', password: 'smtp-Pa55word-never-shown' };
const statusSchema = JSON.parse(readFileSync(join(packageRoot, 'schema', 'status.schema.json'), 'utf8')) as Record<string, unknown>;

describe('notifications and roster status', function () {
  const ad = useSamba();
  const stops: Array<{ stop(): Promise<void> }> = [];
  after(async () => Promise.all(stops.map((s) => s.stop())));
  const started = <T extends { stop(): Promise<void> }>(thing: T): T => {
    stops.push(thing);
    return thing;
  };
  const roster = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}) => rosterIn(ad(), dir, args, { [SMTP_ENV]: SMTP_LOGIN.password, ...env });
  const emailChannel = (smtp: SmtpReceiver) => ({
    type: 'email',
    from: 'roster@corp.example',
    to: ['it-ops@corp.example'],
    smtp: { host: '127.0.0.1', port: smtp.port, secure: 'starttls', user: SMTP_LOGIN.user, passwordEnv: SMTP_ENV, caFile: smtp.caFile },
  });
  const webhookChannel = (hook: WebhookReceiver, format: string, extra: Record<string, unknown> = {}) => ({
    type: 'webhook',
    url: hook.url,
    format,
    caFile: hook.caFile,
    ...extra,
  });
  const writeConfig = (dir: string, config: unknown) => writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const secrets = () => [ad().bindPassword, DEFAULT_CLIENT_SECRET, SMTP_LOGIN.password];

  it('mails once for a refused sync and once when it recovers, never for an ordinary success; then status judges the state folder', async () => {
    const service = started(await startSandbox());
    const smtp = started(await startSmtpReceiver(SMTP_LOGIN));
    const config = (bases?: string[]) => syncConfig(ad(), service, bases ? { searchBases: bases } : {}, {}, { notify: [emailChannel(smtp)] });
    const dir = workspace({ 'config.json': config() });

    const first = await roster(dir, ['sync', '--first-push']);
    expect(first.code, first.all).to.equal(0);
    expect(smtp.mails, 'a first success is not news').to.have.length(0);
    const fresh = await roster(dir, ['status', '--max-age', '26h', '--json']);
    expect(fresh.code, fresh.all).to.equal(0);
    const freshStatus = JSON.parse(fresh.stdout) as { status: string; targets: Array<{ lastRun: { result: string; rows: number } }> };
    expect(validate(statusSchema, freshStatus)).to.deep.equal([]);
    expect(freshStatus.status).to.equal('ok');
    expect(freshStatus.targets[0]!.lastRun).to.deep.include({ result: 'success', rows: expectedRecords.length });

    // An OU dropped from the config: the shrink guard refuses, and IT hears of it at once.
    writeConfig(dir, config([TORONTO_DN]));
    const refused = await roster(dir, ['sync']);
    expect(refused.code, refused.all).to.equal(4);
    expect(smtp.mails).to.have.length(1);
    const disabled = expectedRecords.length - expectedExtract({ bases: [TORONTO_DN] }).rows.length;
    const kept = expectedRecords.length - disabled;
    const mail = smtp.mails[0]!;
    expect(mail).to.deep.include({ from: 'roster@corp.example', to: ['it-ops@corp.example'], user: SMTP_LOGIN.user, secure: true });
    expect(mail.subject).to.match(/^\[roster\] roster sync REFUSED on \S+ \(exit 4\)$/);
    expect(mail.text).to.include(`ilobby: refused, nothing sent: ${kept} rows (0 added, 0 changed, ${disabled} to be disabled)`);
    expect(mail.text).to.match(/\n {2}would disable: [^\n]+@[^\n]+ \(\d+ more\)\n/);
    expect(mail.text).to.include(`more than safety.maxDisableCount (500)`);
    expect(mail.text).to.include(`Config: ${join(dir, 'config.json')}`);
    expect(mail.text).to.match(/\nReport: .*state\/reports\/.*-sync\.json\n/);
    for (const secret of secrets()) expect(mail.raw).not.to.include(secret);
    // A warning, not critical: the last success is still young.
    const warning = await roster(dir, ['status', '--max-age', '26h']);
    expect(warning.code, warning.all).to.equal(1);
    expect(warning.stdout).to.match(/^ROSTER WARNING - ilobby: last success \S+ ago, but last run refused \(exit 4\)/);

    writeConfig(dir, config());
    const recovered = await roster(dir, ['sync']);
    expect(recovered.code, recovered.all).to.equal(0);
    expect(smtp.mails).to.have.length(2);
    expect(smtp.mails[1]!.subject).to.match(/^\[roster\] roster sync recovered on \S+ \(exit 0\)$/);
    expect(smtp.mails[1]!.text).to.include(`ilobby: pushed: ${expectedRecords.length} rows (0 added, 0 changed, 0 disabled)`);
    const ordinary = await roster(dir, ['sync']);
    expect(ordinary.code, ordinary.all).to.equal(0);
    expect(smtp.mails, 'an ordinary success sends nothing').to.have.length(2);

    // A refused run, and the last success 30 hours old: made by moving the state's timestamps back.
    writeConfig(dir, config([TORONTO_DN]));
    expect((await roster(dir, ['sync'])).code).to.equal(4);
    const shift = 30 * 3600 * 1000;
    const reports = join(dir, 'state', 'reports');
    for (const name of readdirSync(reports)) {
      const report = JSON.parse(readFileSync(join(reports, name), 'utf8')) as Record<string, string>;
      for (const key of ['startedAt', 'finishedAt'] as const) report[key] = new Date(Date.parse(report[key]!) - shift).toISOString();
      writeFileSync(join(reports, name), JSON.stringify(report));
    }
    const old = new Date(Date.now() - shift - 60_000);
    utimesSync(join(dir, 'state', 'ilobby', 'last-push.csv'), old, old);
    const stale = await roster(dir, ['status', '--max-age', '26h', '--json']);
    expect(stale.code, stale.all).to.equal(2);
    const staleStatus = JSON.parse(stale.stdout) as {
      status: string;
      exitCode: number;
      targets: Array<{ status: string; lastRun: { result: string; exitCode: number }; lastSuccess: { ageSeconds: number } }>;
    };
    expect(validate(statusSchema, staleStatus)).to.deep.equal([]);
    expect([staleStatus.status, staleStatus.exitCode]).to.deep.equal(['critical', 2]);
    expect(staleStatus.targets[0]!.lastRun).to.deep.include({ result: 'refused', exitCode: 4 });
    expect(staleStatus.targets[0]!.lastSuccess.ageSeconds).to.be.within(30 * 3600, 31 * 3600);
    expect((await roster(dir, ['status', '--max-age', '2d'])).code, 'younger than two days').to.equal(1);
  });

  it('posts Teams- and Slack-shaped JSON for a failure, with no secret in it', async () => {
    const service = started(await startSandbox());
    const teams = started(await startWebhookReceiver());
    const slack = started(await startWebhookReceiver());
    const dir = workspace({ 'config.json': syncConfig(ad(), service, {}, {}, { notify: [webhookChannel(teams, 'teams'), webhookChannel(slack, 'slack')] }) });
    const wrongSecret = 'wrong-client-secret-for-test';
    const failed = await roster(dir, ['sync', '--first-push'], { ROSTER_TEST_CLIENT_SECRET: wrongSecret });
    expect(failed.code, failed.all).to.equal(5);
    expect(teams.posts).to.have.length(1);
    expect(slack.posts).to.have.length(1);
    const card = teams.posts[0]!.body as {
      type: string;
      attachments: Array<{ contentType: string; content: { type: string; body: Array<{ type: string; text?: string }> } }>;
    };
    expect(teams.posts[0]!.contentType).to.equal('application/json; charset=utf-8');
    expect(card.type).to.equal('message');
    expect(card.attachments[0]!.contentType).to.equal('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0]!.content.type).to.equal('AdaptiveCard');
    const texts = card.attachments[0]!.content.body.map((block) => block.text ?? '').join('\n');
    expect(texts).to.match(/^roster sync FAILED on \S+ \(exit 5\)\n/);
    expect(texts).to.include(
      `ilobby: failed (exit 5): ${expectedRecords.length} rows (${expectedRecords.length} added, 0 changed, to be disabled: unknown (no earlier push))`,
    );
    const message = slack.posts[0]!.body as { text: string; blocks: Array<{ type: string; text: { type: string; text: string } }> };
    expect(message.text).to.match(/^roster sync FAILED on \S+ \(exit 5\)$/);
    expect(message.blocks.map((block) => [block.type, block.text.type])).to.deep.equal([
      ['header', 'plain_text'],
      ['section', 'mrkdwn'],
    ]);
    expect(message.blocks[1]!.text.text).to.include('ilobby: failed (exit 5)');
    for (const secret of [...secrets(), wrongSecret]) expect(JSON.stringify([teams.posts, slack.posts])).not.to.include(secret);
    expect(failed.all, 'the webhook URL is a credential').not.to.include('secret-webhook-token-1234');
  });

  it('a webhook that is down or never answers costs at most its timeout and leaves the exit code alone', async () => {
    const service = started(await startSandbox());
    const slow = started(await startWebhookReceiver({ answer: false }));
    const down = `https://127.0.0.1:${await closedPort()}/webhook`;
    const channels = [
      webhookChannel(slow, 'json', { on: ['refused', 'success'], timeoutSeconds: 2 }),
      { type: 'webhook', url: down, format: 'teams', on: ['refused', 'success'], timeoutSeconds: 2 },
    ];
    const dir = workspace({ 'config.json': syncConfig(ad(), service, {}, {}, { notify: channels }) });
    const startedAt = Date.now();
    const refused = await roster(dir, ['sync']); // a first push without --first-push
    const took = Date.now() - startedAt;
    expect(refused.code, refused.all).to.equal(4);
    expect(slow.posts, 'the slow receiver got the message but never answered').to.have.length(1);
    expect(refused.stderr).to.match(/warn: notification on notify\[0\] \(json webhook\) failed: .*(no answer within 2 s|ETIMEDOUT)/);
    expect(refused.stderr).to.match(/warn: notification on notify\[1\] \(teams webhook\) failed: .*ECONNREFUSED/);
    const pushed = await roster(dir, ['sync', '--first-push', '--report', 'run.json']);
    expect(pushed.code, pushed.all).to.equal(0);
    expect(service.uploads).to.have.length(1);
    const report = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { exitCode: number; notifications: Array<{ channel: string; sent: boolean }> };
    expect(report.exitCode).to.equal(0);
    expect(report.notifications.map((n) => [n.channel, n.sent])).to.deep.equal([
      ['notify[0]', false],
      ['notify[1]', false],
    ]);
    // The same refused run with no channel at all, to measure what the notifications cost.
    const quiet = workspace({ 'config.json': syncConfig(ad(), service) });
    const quietStart = Date.now();
    expect((await roster(quiet, ['sync'])).code).to.equal(4);
    const baseline = Date.now() - quietStart;
    expect(took - baseline, `with notifications ${took} ms, without ${baseline} ms`).to.be.below(2000 + 1500);
  });

  it('roster notify --test sends on every channel and says which worked', async () => {
    const smtp = started(await startSmtpReceiver(SMTP_LOGIN));
    const teams = started(await startWebhookReceiver());
    const down = `https://127.0.0.1:${await closedPort()}/webhook`;
    const dir = workspace({
      'config.json': { notify: [emailChannel(smtp), webhookChannel(teams, 'teams'), { type: 'webhook', url: down, format: 'slack', timeoutSeconds: 2 }] },
    });
    const test = await roster(dir, ['notify', '--test']);
    expect(test.code, test.all).to.equal(6);
    expect(test.stdout).to.match(/^sent {3}notify\[0\] \(email\): accepted by 127\.0\.0\.1:\d+ for 1 of 1 recipients$/m);
    expect(test.stdout).to.match(/^sent {3}notify\[1\] \(webhook\): https:\/\/127\.0\.0\.1:\d+ answered HTTP 202$/m);
    expect(test.stdout).to.match(/^FAILED notify\[2\] \(webhook\): .*ECONNREFUSED/m);
    expect(test.stdout).to.include('1 of 3 channels failed');
    expect(smtp.mails).to.have.length(1);
    expect(smtp.mails[0]!.text).to.include('This is a test message from roster on');
    expect(smtp.mails[0]!.text).to.include(`Config: ${join(dir, 'config.json')}`);
    expect(teams.posts).to.have.length(1);

    // Webhooks go through HTTPS_PROXY like the service targets; mail does not (it is not HTTPS).
    const proxy = started(await startConnectProxy());
    const viaProxy = await roster(dir, ['notify', '--test'], { HTTPS_PROXY: proxy.url, NO_PROXY: 'example.invalid' });
    expect(viaProxy.stdout, viaProxy.all).to.match(/^sent {3}notify\[1\] \(webhook\)/m);
    expect(proxy.tunnels.map((t) => t.port)).to.include(Number(new URL(teams.url).port));
    expect(teams.posts).to.have.length(2);
    expect(smtp.mails).to.have.length(2);
  });
});
