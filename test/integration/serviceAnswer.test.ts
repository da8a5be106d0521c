// The service's answer is the last word (roster upload against the iLobby sandbox, no directory):
// rows the service rejected, in each shape it may answer with, and more people disabled than
// roster predicted, make exit 9 ("pushed, but the service reported problems"): the log names them
// with the service's words, the report lists them, a notification goes out, `status` is not OK,
// and the last push holds what the service accepted, so the next prediction matches the service.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRoster, workspace } from '../harness/cli.js';
import { startWebhookReceiver, type WebhookReceiver } from '../harness/notifyReceivers.js';
import { uploadConfig, uploadIn, useSandboxes } from '../harness/syncSetup.js';
import type { AnswerShape, IlobbySandbox } from '../sandbox/ilobby.js';

const HEADER = 'FIRSTNAME,LASTNAME,TITLE,DIVISION,EMAIL,MOBILE,DESKPHONE,SITE';
const person = (name: string, site: string) => `${name},Doe,Analyst,R&D,${name}@example.org,,,${site}`;
const toronto = ['t1', 't2', 't3', 't4', 't5', 't6'].map((name) => person(name, 'Toronto'));
const ottawa = ['o1', 'o2', 'o3', 'o4'].map((name) => person(name, 'Ottawa'));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const csv = (lines: string[]) => `${[HEADER, ...[...lines].sort()].join('\n')}\n`;

interface TargetReport {
  outcome: string;
  exitCode: number;
  rejectedRows?: number;
  rejected?: Array<{ line?: number; email?: string; message: string }>;
  recordedRows?: number;
  serviceDisabled?: number;
  reason?: string;
}

describe("the service's answer (roster upload against the iLobby sandbox)", function () {
  const startSandbox = useSandboxes();
  // The portal knows Toronto only; roster's config also names Ottawa, as an admin who misread the
  // portal's sites would: every Ottawa row is then the service's to reject.
  const sandbox = () => startSandbox({ sites: ['Toronto'] });
  let hook: WebhookReceiver;
  before(async () => {
    hook = await startWebhookReceiver();
  });
  after(() => hook.stop());

  const folder = (service: IlobbySandbox) =>
    workspace({
      'config.json': uploadConfig(
        service,
        { sites: ['Toronto', 'Ottawa'] },
        {
          safety: { maxDisablePercent: 100 },
          notify: [{ type: 'webhook', url: hook.url, format: 'json', caFile: hook.caFile, on: ['failure'] }],
        },
      ),
    });
  const upload = (dir: string, lines: string[], args: string[] = []) => {
    writeFileSync(join(dir, 'hr.csv'), csv(lines));
    return uploadIn(dir, 'hr.csv', ['--report', 'report.json', ...args]);
  };
  const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { exitCode: number; targets: TargetReport[] };
  const lastPush = (dir: string) => readFileSync(join(dir, 'state', 'ilobby', 'last-push.csv'), 'utf8');
  const status = (dir: string) => runRoster(['status', '--json', '--config', join(dir, 'config.json')], { cwd: dir });
  const notices = () => hook.posts.map((post) => post.body as { title: string; event: string; targets: Array<{ reason?: string }> });

  for (const shape of ['flat', 'nested'] as AnswerShape[]) {
    it(`rows rejected and named (${shape} answer): exit 9, logged, reported, notified, status not OK; the last push holds what was accepted`, async () => {
      const service = await sandbox();
      service.answerUploadsAs(shape);
      const dir = folder(service);
      const posted = hook.posts.length;
      const run = await upload(dir, [...toronto, ...ottawa], ['--first-push']);
      expect(run.code, run.all).to.equal(9);
      expect(run.stderr).to.include('error: ilobby: the service rejected 4 of 10 rows');
      expect(run.stderr).to.match(/line 2, "o1@example\.org": "unknown SITE \\"Ottawa\\" \(the portal's sites: Toronto\)"/);
      expect(run.stdout).to.include(
        'ilobby: uploaded 10 rows (10 added, 0 changed, to be disabled: unknown (no earlier push)), but the service reported problems',
      );
      const target = report(dir).targets[0]!;
      expect(target).to.deep.include({ outcome: 'uploaded', exitCode: 9, rejectedRows: 4, recordedRows: 6 });
      expect(target.rejected?.map((row) => row.email)).to.deep.equal(['o1@example.org', 'o2@example.org', 'o3@example.org', 'o4@example.org']);
      expect(lastPush(dir)).to.equal(csv(toronto));
      const record = JSON.parse(readFileSync(join(dir, 'state', 'ilobby', 'last-push.record.json'), 'utf8')) as Record<string, unknown>;
      expect(record).to.deep.include({
        rows: 6,
        sent: { rows: 10, bytes: Buffer.byteLength(service.uploads[0]!.csv!), sha256: sha256(service.uploads[0]!.csv!) },
      });
      const notice = notices().slice(posted);
      expect(notice.map((n) => n.event)).to.deep.equal(['failure']);
      expect(notice[0]!.targets[0]!.reason).to.include('the service rejected 4 of 10 rows');
      const judged = await status(dir);
      expect(judged.code, judged.all).not.to.equal(0);
      expect(JSON.parse(judged.stdout)).to.deep.nested.include({ 'targets[0].lastRun.result': 'failed', 'targets[0].lastRun.exitCode': 9 });

      // The next push leaves out t1 and t2 and the Ottawa people: roster predicts what the service does.
      const next = await upload(dir, toronto.slice(2));
      expect(next.code, next.all).to.equal(0);
      expect(next.stdout).to.include('ilobby: uploaded 4 rows (0 added, 0 changed, 2 to be disabled)');
      const answer = service.uploads.at(-1)!.response as Record<string, unknown>;
      expect(shape === 'flat' ? answer.disabled : (answer.result as Record<string, unknown>).deactivatedCount).to.equal(2);
      expect(report(dir).targets[0]).to.deep.include({ rejectedRows: 0, serviceDisabled: 2 });
      expect((await status(dir)).code).to.equal(0);
    });
  }

  it('rows rejected but only counted: exit 9, the last push keeps them and says so; the next run warns its predictions may be off', async () => {
    const service = await sandbox();
    service.answerUploadsAs('count-only');
    const dir = folder(service);
    const run = await upload(dir, [...toronto, ...ottawa], ['--first-push']);
    expect(run.code, run.all).to.equal(9);
    expect(run.stderr).to.include('the service rejected 4 of 10 rows');
    expect(run.stderr).to.include('4 of them the service did not name, so the last push records them too');
    expect(report(dir).targets[0]).to.deep.include({ exitCode: 9, rejectedRows: 4, recordedRows: 10 });
    expect(lastPush(dir)).to.equal(csv([...toronto, ...ottawa]));
    const record = JSON.parse(readFileSync(join(dir, 'state', 'ilobby', 'last-push.record.json'), 'utf8')) as Record<string, unknown>;
    expect(record).to.include({ rows: 10, unidentifiedRejections: 4 });

    const next = await upload(dir, toronto, ['--dry-run']);
    expect(next.code, next.all).to.equal(0);
    expect(next.stderr).to.include('ilobby: the service rejected 4 rows of the last push without naming them: the predictions below may be off by that many');
  });

  it('more people disabled than predicted (someone added in the portal by hand): exit 9 naming both counts', async () => {
    const service = await sandbox();
    const dir = folder(service);
    expect((await upload(dir, toronto, ['--first-push'])).code).to.equal(0);
    service.seed([{ email: 'added.by.hand@example.org', site: 'Toronto' }]);
    const posted = hook.posts.length;
    const run = await upload(dir, toronto);
    expect(run.code, run.all).to.equal(9);
    expect(run.stderr).to.include('ilobby: the service says it disabled 1 person; roster predicted 0');
    expect(report(dir).targets[0]).to.deep.include({ exitCode: 9, serviceDisabled: 1, rejectedRows: 0 });
    expect(lastPush(dir)).to.equal(csv(toronto));
    expect(
      notices()
        .slice(posted)
        .map((n) => n.event),
    ).to.deep.equal(['failure']);
    expect((await status(dir)).code).not.to.equal(0);
  });

  it('a --report that cannot be written after exit 9 is a warning, and the state folder still records the run: status is not OK', async () => {
    const service = await sandbox();
    const dir = folder(service);
    writeFileSync(join(dir, 'hr.csv'), csv([...toronto, ...ottawa]));
    const run = await uploadIn(dir, 'hr.csv', ['--first-push', '--report', join(dir, 'no-such-folder', 'report.json')]);
    expect(run.code, run.all).to.equal(9);
    expect(run.stderr).to.match(/warn: could not write the run report .*no-such-folder\/report\.json/);
    const judged = await status(dir);
    expect(judged.code, judged.all).not.to.equal(0);
    expect(JSON.parse(judged.stdout)).to.deep.nested.include({ 'targets[0].lastRun.exitCode': 9 });
  });

  it('rows rejected and the push not recorded (exit 8): status does not call the run a success', async () => {
    const service = await sandbox();
    const dir = folder(service);
    expect((await upload(dir, toronto, ['--first-push'])).code).to.equal(0);
    const file = join(dir, 'state', 'ilobby', 'last-push.csv');
    service.afterNextUpload(() => {
      rmSync(file);
      mkdirSync(join(file, 'in-the-way'), { recursive: true });
    });
    const posted = hook.posts.length;
    const run = await upload(dir, [...toronto, ...ottawa]);
    expect(run.code, run.all).to.equal(8);
    expect(run.stderr).to.include('the service rejected 4 of 10 rows');
    // The notification says what failed, and what the service said, not only "pushed".
    const notice = notices().slice(posted);
    expect(notice.map((n) => n.event)).to.deep.equal(['failure']);
    expect(notice[0]!.targets[0]!.reason).to.include('the upload went through, but roster could not record it as the last push');
    expect(notice[0]!.targets[0]!.reason).to.include('the service rejected 4 of 10 rows');
    const judged = await status(dir);
    expect(judged.code, judged.all).not.to.equal(0);
    expect(JSON.parse(judged.stdout)).to.deep.nested.include({ 'targets[0].lastRun.result': 'failed', 'targets[0].lastRun.exitCode': 8 });
  });

  it('an empty answer is taken as accepted, with a warning that the service said nothing', async () => {
    const service = await sandbox();
    service.answerUploadsAs('empty');
    const dir = folder(service);
    const run = await upload(dir, toronto, ['--first-push']);
    expect(run.code, run.all).to.equal(0);
    expect(run.stderr).to.include('warn: ilobby: the service answered with an empty object: it said nothing about what it did with the file');
    expect(existsSync(join(dir, 'state', 'ilobby', 'last-push.csv'))).to.equal(true);
  });

  // Shapes a service may use that say more than their keys at first sight (each answered once, to
  // a second push of the same six Toronto rows, after a clean first push).
  const misreadable: Array<[string, unknown, number, RegExp]> = [
    ['a rejected count written as a string', { rejectedCount: '2' }, 9, /the service rejected 2 of 6 rows/],
    ['a disable count written as a string', { disabled: '3' }, 9, /the service says it disabled 3 people; roster predicted 0/],
    ['the people disabled as a list', { deactivatedUsers: ['x@example.org', 'y@example.org'] }, 9, /the service says it disabled 2 people; roster predicted 0/],
    ['success written as the string "false"', { success: 'false' }, 6, /an answer saying success: "false"/],
    ['a status that says the upload completed with errors', { status: 'completed_with_errors', processed: 6 }, 9, /status "completed_with_errors"/],
    ['a status that says it was partly done', { result: { status: 'PartialSuccess' } }, 9, /status "PartialSuccess"/],
    ['errors given as text', { errors: 'Row 3: unknown site' }, 9, /errors: "Row 3: unknown site"/],
    ['an errorCode of "0" next to success: true', { success: true, errorCode: '0', errors: [] }, 0, /uploaded 6 rows/],
    ['an error named "None"', { error: 'None', received: 6 }, 0, /uploaded 6 rows/],
  ];
  for (const [what, answer, exit, said] of misreadable) {
    it(`reads ${what} (${JSON.stringify(answer)}): exit ${exit}`, async () => {
      const service = await sandbox();
      const dir = folder(service);
      expect((await upload(dir, toronto, ['--first-push'])).code).to.equal(0);
      service.answerNextUploadsWith(1, answer);
      const run = await upload(dir, toronto);
      expect(run.code, run.all).to.equal(exit);
      expect(run.all).to.match(said);
      if (exit === 9) expect((await status(dir)).code).not.to.equal(0);
    });
  }

  it('a status saying rows failed without naming them: the last push vouches for no SITE value until a clean push', async () => {
    const service = await sandbox();
    const dir = folder(service);
    service.answerNextUploadsWith(1, { status: 'completed_with_errors' });
    const run = await upload(dir, [...toronto, ...ottawa], ['--first-push']);
    expect(run.code, run.all).to.equal(9);
    expect(run.stderr).to.include('did not say which rows or how many');
    expect(report(dir).targets[0]).to.deep.include({ exitCode: 9, recordedRows: 10 });
    // Ottawa is no longer in sites: the last push, which the service may not have taken whole, does not vouch for it.
    writeFileSync(join(dir, 'config.json'), JSON.stringify(uploadConfig(service, { sites: ['Toronto'] }, { safety: { maxDisablePercent: 100 } })));
    const next = await upload(dir, [...toronto, ...ottawa], ['--dry-run']);
    expect(next.code, next.all).to.equal(4);
    expect(next.stderr).to.include('the service reported rows it did not take in the last push without saying which or how many');
    expect(next.stderr).to.include('"Ottawa" (4 rows');
  });

  it('an answer over a megabyte (thousands of rejected rows listed) is read whole, not taken for a page in front of the service', async () => {
    const service = await sandbox();
    const dir = folder(service);
    const many = Array.from({ length: 12000 }, (_, i) => person(`ottawa${String(i).padStart(5, '0')}`, 'Ottawa'));
    const run = await upload(dir, [...toronto, ...many], ['--first-push']);
    expect(JSON.stringify(service.uploads[0]!.response).length).to.be.above(1024 * 1024);
    expect(run.code, run.all).to.equal(9);
    expect(run.stderr).to.include('the service rejected 12000 of 12006 rows');
    expect(lastPush(dir)).to.equal(csv(toronto));
  });

  it('rows the service names that were not in the file sent are said to be so, and the rest of the file is kept', async () => {
    const service = await sandbox();
    const dir = folder(service);
    expect((await upload(dir, toronto, ['--first-push'])).code).to.equal(0);
    service.answerNextUploadsWith(1, {
      errors: [
        { email: 'T1@example.org', message: 'unknown SITE' },
        { email: 'stranger@example.org', message: 'unknown SITE' },
        { line: 40, message: 'unknown SITE' },
      ],
    });
    const run = await upload(dir, toronto);
    expect(run.code, run.all).to.equal(9);
    expect(run.stderr).to.include('the service rejected 1 of 6 rows');
    expect(run.stderr).to.include('it also names 2 rows that were not in the file sent ("stranger@example.org", line 40)');
    expect(report(dir).targets[0]).to.deep.include({ rejectedRows: 1, recordedRows: 5 });
    expect(run.stderr).not.to.match(/did not name/);
    expect(lastPush(dir)).to.equal(csv(toronto.slice(1)));
  });

  it('an answer naming an error (responseStatus.errorCode) is a failed upload: exit 6, the last push as it was', async () => {
    const service = await sandbox();
    const dir = folder(service);
    expect((await upload(dir, toronto, ['--first-push'])).code).to.equal(0);
    const before = lastPush(dir);
    service.answerNextUploadsWith(1);
    const run = await upload(dir, toronto.slice(1));
    expect(run.code, run.all).to.equal(6);
    expect(run.stderr).to.match(
      /the upload endpoint answered HTTP 200 with an error answer \(responseStatus\.errorCode "ValidationException"\), so the upload is not counted as done: .*locked for maintenance/,
    );
    expect(run.stderr).to.include('The service says the upload failed');
    expect(lastPush(dir)).to.equal(before);
    expect(existsSync(join(dir, 'state', 'ilobby', 'pending-push.csv'))).to.equal(false);
    expect(report(dir).targets[0]).to.deep.include({ outcome: 'failed', exitCode: 6 });
  });
});
