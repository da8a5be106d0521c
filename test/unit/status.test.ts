// roster status's judgement: ok, warning, critical, unknown from the facts of the state folder.
import { expect } from 'chai';
import type { TargetRun } from '../../src/monitoring/runs.js';
import { formatDuration, parseDuration } from '../../src/monitoring/status/duration.js';
import { judge, statusText } from '../../src/monitoring/status/status.js';

const now = new Date('2026-12-05T12:00:00.000Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000).toISOString();
const run = (result: TargetRun['result'], hours: number, extra: Partial<TargetRun> = {}): TargetRun => ({
  target: 'ilobby',
  command: 'sync',
  startedAt: hoursAgo(hours),
  finishedAt: hoursAgo(hours),
  result,
  exitCode: result === 'success' ? 0 : result === 'refused' ? 4 : 3,
  report: `/state/reports/${hours}.json`,
  ...extra,
});
const where = { host: 'sync01', config: '/etc/roster/config.json', stateDir: '/etc/roster/state' };
const MAX = 26 * 3600;

describe('roster status', () => {
  it('reads durations as people write them', () => {
    expect(['26h', '90m', '2d', '1d2h', '3600s', '1w', '1.5h'].map(parseDuration)).to.deep.equal([93_600, 5400, 172_800, 93_600, 3600, 604_800, 5400]);
    expect(['26', 'h', '', '26 hours', '-1h', '0h'].map(parseDuration)).to.deep.equal([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect([93_600, 5400, 45, 172_800 + 3600 + 60].map(formatDuration)).to.deep.equal(['1d2h', '1h30m', '45s', '2d1h']);
  });

  it('ok after a fresh success, warning after a refusal while the last success is young, critical once it is older than --max-age', () => {
    const ok = judge([{ target: 'ilobby', runs: [run('success', 2)], lastPushFileAt: undefined }], now, MAX, where);
    expect([ok.status, ok.exitCode, ok.summary]).to.deep.equal(['ok', 0, 'ilobby: last success 2h ago']);
    const warning = judge([{ target: 'ilobby', runs: [run('success', 20), run('refused', 1)], lastPushFileAt: undefined }], now, MAX, where);
    expect([warning.status, warning.exitCode]).to.deep.equal(['warning', 1]);
    expect(warning.summary).to.equal('ilobby: last success 20h ago, but last run refused (exit 4) 1h ago');
    const critical = judge([{ target: 'ilobby', runs: [run('success', 30), run('refused', 27)], lastPushFileAt: undefined }], now, MAX, where);
    expect([critical.status, critical.exitCode]).to.deep.equal(['critical', 2]);
    expect(critical.targets[0]!.lastSuccess).to.deep.equal({ at: hoursAgo(30), ageSeconds: 30 * 3600 });
    expect(critical.targets[0]!.lastRun).to.deep.include({ result: 'refused', exitCode: 4, report: '/state/reports/27.json' });
    const never = judge([{ target: 'ilobby', runs: [run('failed', 1)], lastPushFileAt: undefined }], now, MAX, where);
    expect([never.status, never.summary]).to.deep.equal(['critical', 'ilobby: never pushed successfully; last run failed (exit 3) 1h ago']);
  });

  it('counts a last-push file newer than the reports (its report was lost), and the worst target decides', () => {
    const fromFile = judge([{ target: 'ilobby', runs: [run('success', 40)], lastPushFileAt: new Date(hoursAgo(3)) }], now, MAX, where);
    expect(fromFile.status).to.equal('ok');
    const two = judge(
      [
        { target: 'toronto', runs: [run('success', 1, { target: 'toronto' })], lastPushFileAt: undefined },
        { target: 'montreal', runs: [], lastPushFileAt: undefined },
      ],
      now,
      MAX,
      where,
    );
    expect([two.status, two.exitCode]).to.deep.equal(['critical', 2]);
    expect(two.summary).to.equal('toronto: last success 1h ago; montreal: never pushed successfully; no run recorded');
    expect(judge([], now, MAX, where)).to.deep.include({ status: 'unknown', exitCode: 3 });
    const text = statusText(
      judge(
        [
          {
            target: 'ilobby',
            runs: [run('refused', 1, { rows: 5, added: 0, changed: 0, disabled: 3, error: 'ilobby: refused:\n  - 3 people would be disabled' })],
            lastPushFileAt: undefined,
          },
        ],
        now,
        MAX,
        where,
      ),
    );
    expect(text.split('\n')).to.deep.equal([
      'ROSTER CRITICAL - ilobby: never pushed successfully; last run refused (exit 4) 1h ago',
      'ilobby:',
      '  last success: never',
      `  last run:     ${hoursAgo(1)} sync: refused, exit 4, 5 rows (0 added, 0 changed, 3 to be disabled)`,
      '  why:          3 people would be disabled',
      '  report:       /state/reports/1.json',
    ]);
  });

  it('is not OK after a push the service reported problems with (exit 9), and says a first push could not count whom it disables', () => {
    const problems = run('failed', 1, { exitCode: 9, firstPush: true, rows: 10, added: 10, changed: 0, error: 'ilobby: the service rejected 4 of 10 rows' });
    // The last-push file that run wrote is not a success of its own.
    const report = judge([{ target: 'ilobby', runs: [problems], lastPushFileAt: new Date(hoursAgo(1)) }], now, MAX, where);
    expect([report.status, report.summary]).to.deep.equal(['critical', 'ilobby: never pushed successfully; last run failed (exit 9) 1h ago']);
    expect(statusText(report).split('\n')).to.include(
      `  last run:     ${hoursAgo(1)} sync: failed, exit 9, 10 rows (10 added, 0 changed, to be disabled: unknown (no earlier push))`,
    );
  });
});
