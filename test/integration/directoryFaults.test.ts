// A directory connection that fails in the middle of a search must end the run with exit 3,
// at once, with nothing written and nothing pushed.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { STAFF_DN } from '../harness/ad-fixture.js';
import { runRoster, workspace } from '../harness/cli.js';
import { startFaultProxy, type Cut } from '../harness/faultProxy.js';
import { useSamba } from '../harness/sambaSuite.js';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startIlobbySandbox } from '../sandbox/ilobby.js';

describe('directory faults during the search (TCP proxy in front of Samba)', function () {
  const ad = useSamba();

  // The whole OU=Staff search is several hundred KB; 150 KB is well inside it, past the bind.
  const CUT_AFTER = 150_000;

  async function syncThroughProxy(cut: Cut, timeoutSeconds = 120, startTls = false) {
    const proxy = await startFaultProxy({ targetHost: ad().host, targetPort: startTls ? 389 : 636, cutAfterBytes: CUT_AFTER, cut });
    const service = await startIlobbySandbox();
    const dir = workspace({
      'config.json': {
        directory: {
          url: `${startTls ? 'ldap' : 'ldaps'}://127.0.0.1:${proxy.port}`, startTls, caFile: ad().caFile, bindDn: ad().bindDn, bindPasswordEnv: 'BIND_PW',
          searchBases: [STAFF_DN], pageSize: 100, timeoutSeconds,
        },
        ilobby: { tokenUrl: service.tokenUrl, uploadUrl: service.uploadUrl, clientId: DEFAULT_CLIENT_ID, clientSecretEnv: 'SECRET', caFile: service.caFile },
      },
    });
    try {
      const run = await runRoster(['sync', '--first-push', '--config', join(dir, 'config.json')], { env: { BIND_PW: ad().bindPassword, SECRET: DEFAULT_CLIENT_SECRET } });
      const noticedAfterMs = Date.now() - (proxy.cutAt ?? Date.now());
      return { run, noticedAfterMs, proxy, service, csvWritten: existsSync(join(dir, 'adextract.csv')) };
    } finally {
      await proxy.stop();
      await service.stop();
    }
  }

  for (const [cut, startTls] of [['reset', false], ['close', false], ['reset', true], ['close', true]] as const) {
    it(`a connection ${cut === 'reset' ? 'reset' : 'closed'} mid-search (${startTls ? 'StartTLS' : 'LDAPS'}) exits 3 within 5 s, uploading nothing`, async () => {
      const { run, noticedAfterMs, proxy, service, csvWritten } = await syncThroughProxy(cut, 120, startTls);
      expect(proxy.cutAt, 'the proxy must really have cut the search').to.not.equal(undefined);
      expect(run.code, run.all).to.equal(3);
      expect(run.stderr).to.match(/connection to ldaps?:\/\/127\.0\.0\.1:\d+ was lost during the search of "OU=Staff/);
      expect(noticedAfterMs).to.be.lessThan(5000);
      expect(service.tokenRequests).to.equal(0);
      expect(service.uploads).to.have.length(0);
      expect(csvWritten).to.equal(false);
    });
  }

  it('a connection that goes silent mid-search ends at directory.timeoutSeconds with exit 3', async () => {
    const { run, proxy, service, csvWritten } = await syncThroughProxy('stall', 3);
    expect(proxy.cutAt).to.not.equal(undefined);
    expect(run.code, run.all).to.equal(3);
    expect(run.stderr).to.match(/did not finish within 3 s; the extract would be partial/);
    expect(service.uploads).to.have.length(0);
    expect(csvWritten).to.equal(false);
  });
});
