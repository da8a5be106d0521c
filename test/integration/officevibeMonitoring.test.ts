// officevibe push is monitored like sync: roster's own `notify` section in the Officevibe
// config.json tells the same channels how a push went, and `roster status --config` reads that
// config.json (its stateDir) as it reads roster's own.
import { expect } from 'chai';
import { join } from 'node:path';
import { runRoster } from '../harness/cli.js';
import { startWebhookReceiver } from '../harness/notifyReceivers.js';
import { FIXTURE_CONFIG, officevibePush, officevibeWorkspace } from '../harness/officevibeSetup.js';
import { startOfficevibeSandbox } from '../sandbox/officevibe.js';

describe('officevibe push notifies and feeds roster status', function () {
  const stops: Array<{ stop(): Promise<void> }> = [];
  after(async () => Promise.all(stops.map((s) => s.stop())));

  it('a failed push is notified, the next success says it recovered, and status judges the Officevibe state folder', async () => {
    const service = await startOfficevibeSandbox();
    const hook = await startWebhookReceiver();
    stops.push(service, hook);
    const dir = officevibeWorkspace(service, {
      notify: [{ type: 'webhook', url: hook.url, format: 'json', caFile: hook.caFile, on: ['failure', 'refused', 'recovered', 'success'] }],
    });
    const status = (args: string[] = []) => runRoster(['status', '--config', join(dir, 'config.json'), ...args], { cwd: dir });

    service.refuseNext(1, ['User E1004: this email domain is not allowed in this account']);
    const refused = await officevibePush(service, dir);
    expect(refused.code, refused.all).to.equal(6);
    expect(hook.posts).to.have.length(1);
    const failure = hook.posts[0]!.body as Record<string, unknown>;
    expect(failure).to.deep.include({ event: 'failure', command: 'officevibe-push', exitCode: 6 });
    expect(String(failure.error)).to.include('E1004');
    const critical = await status(['--json']);
    expect(critical.code, critical.all).to.equal(2);
    const criticalStatus = JSON.parse(critical.stdout) as { status: string; stateDir: string; targets: Array<{ target: string }> };
    expect(criticalStatus).to.deep.include({ status: 'critical', stateDir: join(dir, 'state') });
    expect(criticalStatus.targets.map((t) => t.target)).to.deep.equal(['officevibe']);

    const pushed = await officevibePush(service, dir);
    expect(pushed.code, pushed.all).to.equal(0);
    expect(hook.posts).to.have.length(2);
    const recovered = hook.posts[1]!.body as { event: string; targets: Array<Record<string, unknown>> };
    expect(recovered.event).to.equal('recovered');
    expect(recovered.targets).to.deep.equal([
      // A first push: how many the service deactivates is unknown, so no count is given.
      { target: 'officevibe', outcome: 'uploaded', exitCode: 0, rows: 9, added: 9, changed: 0, firstPush: true, disabledExamples: [] },
    ]);
    const ok = await status();
    expect(ok.code, ok.all).to.equal(0);
    expect(ok.stdout).to.match(/^ROSTER OK - officevibe: last success \S+ ago\n/);
    for (const post of hook.posts) expect(JSON.stringify(post.body)).not.to.include(String(FIXTURE_CONFIG.ApiKey));
  });
});
