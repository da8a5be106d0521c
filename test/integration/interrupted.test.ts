// Every stop tells someone: a run ended by SIGTERM (the time limit of the generated schedules) or
// Ctrl-C sends its failure notification before it exits 143/130, within a bound, and its report
// records what each channel did. Driven with `officevibe push`, which needs no directory.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWebhookReceiver } from '../harness/notifyReceivers.js';
import { FIXTURE_CONFIG, officevibePush, officevibeWorkspace } from '../harness/officevibeSetup.js';
import { startOfficevibeSandbox, type OfficevibeSandbox } from '../sandbox/officevibe.js';

describe('a stopped run tells someone', function () {
  const stops: Array<{ stop(): Promise<void> }> = [];
  after(async () => Promise.all(stops.map((s) => s.stop())));
  const started = <T extends { stop(): Promise<void> }>(thing: T): T => {
    stops.push(thing);
    return thing;
  };
  const lastReport = (dir: string) => {
    const folder = join(dir, 'state', 'reports');
    const name = readdirSync(folder).sort().at(-1)!;
    return JSON.parse(readFileSync(join(folder, name), 'utf8')) as Record<string, unknown>;
  };
  it('SIGTERM while the push waits to retry: the failure notification goes out, then exit 143; the report lists it', async () => {
    const service = started(await startOfficevibeSandbox());
    const hook = started(await startWebhookReceiver());
    service.failNext(1, 503, 60);
    const dir = officevibeWorkspace(service, { notify: [{ type: 'webhook', url: hook.url, format: 'json', caFile: hook.caFile }] });
    let signalled = false;
    const run = await officevibePushWith(service, dir, (all, kill) => {
      if (!signalled && all.includes('trying again in')) {
        signalled = true;
        kill('SIGTERM');
      }
    });
    expect(run.code, run.all).to.equal(143);
    expect(hook.posts).to.have.length(1);
    const body = hook.posts[0]!.body as Record<string, unknown>;
    expect(body).to.deep.include({ event: 'failure', command: 'officevibe-push', exitCode: 143, interrupted: true });
    expect(String(body.error)).to.match(/^interrupted by SIGTERM: the upload to officevibe had started: the service may have it/);
    const report = lastReport(dir);
    expect(report).to.deep.include({ exitCode: 143, errorKind: 'interrupted', uploadStarted: true });
    expect(report.notifications).to.deep.equal([
      { channel: 'notify[0]', type: 'webhook', sent: true, detail: `${new URL(hook.url).origin} answered HTTP 202` },
    ]);
    expect(JSON.stringify(report)).not.to.include(String(FIXTURE_CONFIG.ApiKey));
  });

  it('Ctrl-C with a webhook that never answers: the notification is given at most 10 s, not its own 120 s timeout; exit 130', async () => {
    const service = started(await startOfficevibeSandbox());
    const hook = started(await startWebhookReceiver({ answer: false }));
    service.failNext(1, 503, 60);
    const dir = officevibeWorkspace(service, { notify: [{ type: 'webhook', url: hook.url, format: 'json', caFile: hook.caFile, timeoutSeconds: 120 }] });
    let signalledAt = 0;
    const run = await officevibePushWith(service, dir, (all, kill) => {
      if (signalledAt === 0 && all.includes('trying again in')) {
        signalledAt = Date.now();
        kill('SIGINT');
      }
    });
    const took = Date.now() - signalledAt;
    expect(run.code, run.all).to.equal(130);
    expect(hook.posts, 'the receiver got the message, and never answered').to.have.length(1);
    expect(took).to.be.within(9_000, 20_000);
    const notifications = lastReport(dir).notifications as Array<Record<string, unknown>>;
    expect(notifications).to.have.length(1);
    expect(notifications[0]).to.deep.include({ channel: 'notify[0]', sent: false });
    expect(String(notifications[0]!.detail)).to.match(/^no answer within 10 s/);
  });
});

/** officevibe push with --first-push, calling `onOutput` with everything printed so far and a way to signal the process. */
function officevibePushWith(service: OfficevibeSandbox, dir: string, onOutput: (all: string, kill: (signal: NodeJS.Signals) => void) => void) {
  return officevibePush(service, dir, [], {}, dir, { onOutput: (all, child) => onOutput(all, (signal) => child.kill(signal)) });
}
