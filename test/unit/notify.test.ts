// The notify config, which runs are failure/refused/success/recovered, and what a message says.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/parse.js';
import { ConfigError } from '../../src/platform/errors.js';
import { channelsFor, headline, runEvents } from '../../src/monitoring/notify/events.js';
import { emailMessage, noticeOf, slackMessage, teamsMessage } from '../../src/monitoring/notify/message.js';
import { packageRoot } from '../../src/platform/paths.js';
import { targetRunsOf, type TargetRun } from '../../src/monitoring/runs.js';
import { validate } from '../harness/jsonSchema.js';

const configSchema = JSON.parse(readFileSync(join(packageRoot, 'schema', 'config.schema.json'), 'utf8')) as Record<string, unknown>;
const email = {
  type: 'email',
  from: 'roster@corp.example',
  to: ['it-ops@corp.example'],
  smtp: { host: 'smtp.corp.example', user: 'roster', passwordEnv: 'ROSTER_SMTP_PASSWORD', caFile: 'ca.pem' },
};
const teams = { type: 'webhook', url: 'https://corp.webhook.office.com/webhookb2/abc', format: 'teams', on: ['failure'] };

function parse(notify: unknown) {
  return parseConfig({ notify } as never, '/etc/roster/config.json', '/etc/roster');
}
function problemsOf(notify: unknown): string[] {
  try {
    parse(notify);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('notify in config.json', () => {
  it('reads email and webhook channels with the documented defaults', () => {
    const [mail, hook] = parse([email, teams]).notify;
    expect(mail).to.deep.equal({
      key: 'notify[0]',
      type: 'email',
      on: ['failure', 'refused', 'recovered'],
      timeoutSeconds: 30,
      from: 'roster@corp.example',
      to: ['it-ops@corp.example'],
      smtp: {
        host: 'smtp.corp.example',
        port: 587,
        secure: 'starttls',
        user: 'roster',
        password: { kind: 'env', name: 'ROSTER_SMTP_PASSWORD', configKey: 'notify[0].smtp.passwordEnv' },
        caFile: '/etc/roster/ca.pem',
      },
    });
    expect(hook).to.deep.equal({ key: 'notify[1]', type: 'webhook', on: ['failure'], timeoutSeconds: 30, url: teams.url, format: 'teams', caFile: undefined });
    expect(parse([{ ...email, smtp: { host: 'smtp.corp.example', secure: 'tls' } }]).notify[0]).to.deep.include({
      smtp: { host: 'smtp.corp.example', port: 465, secure: 'tls', user: undefined, password: undefined, caFile: undefined },
    });
    expect(validate(configSchema, { notify: [email, teams] })).to.deep.equal([]);
  });

  it('refuses plain SMTP off loopback, a password in the file, a plain-http webhook, unknown events and types', () => {
    expect(problemsOf([{ ...email, smtp: { host: 'smtp.corp.example', secure: 'none' } }])).to.deep.equal([
      'notify[0].smtp.secure: "none" sends mail unencrypted: it is allowed only for a relay on this machine (localhost), not smtp.corp.example; use "starttls" or "tls"',
    ]);
    expect(problemsOf([{ ...email, smtp: { host: 'smtp.corp.example', user: 'roster', password: 'hunter22' } }])).to.deep.equal([
      'notify[0].smtp.passwordEnv: user is set, so passwordEnv or passwordFile is required',
      'notify[0].smtp.password: secrets are never read from config.json: name an environment variable with passwordEnv or a file with passwordFile',
    ]);
    expect(parse([{ ...email, smtp: { host: '127.0.0.1', secure: 'none' } }]).notify[0]).to.have.nested.property('smtp.secure', 'none');
    expect(problemsOf([{ ...teams, url: 'http://hooks.example/x', on: ['failure', 'sometimes'] }])).to.deep.equal([
      'notify[0].on: "sometimes" is not one of failure, refused, success, recovered',
      'notify[0].url: must be an https:// URL',
    ]);
    expect(problemsOf([{ type: 'pager', number: 5 }])).to.deep.equal(['notify[0].type: must be "email" or "webhook", found "pager"']);
    expect(problemsOf({ type: 'email' })).to.deep.equal(['notify: must be a list of channels, found an object']);
    expect(problemsOf([{ ...teams, colour: 'red' }])).to.deep.equal(['notify[0].colour: unknown key (check its spelling and case)']);
    for (const bad of [[{ ...teams, colour: 'red' }], [{ ...email, smtp: { ...email.smtp, passwordFile: 'p.txt' } }], [{ ...teams, url: 'http://x' }]]) {
      expect(validate(configSchema, { notify: bad }), JSON.stringify(bad)).not.to.deep.equal([]);
    }
  });

  it('lists in the schema exactly the keys the parser reads, for each channel type and smtp', () => {
    const definitions = configSchema.definitions as Record<string, { properties: Record<string, unknown> }>;
    const seen = new Set<string>();
    const record = (object: Record<string, unknown>, prefix: string): unknown =>
      new Proxy(object, {
        get: (target, key, receiver) => {
          if (typeof key === 'string') seen.add(`${prefix}${key}`);
          return Reflect.get(target, key, receiver) as unknown;
        },
        getOwnPropertyDescriptor: (target, key) => {
          if (typeof key === 'string') seen.add(`${prefix}${key}`);
          return Reflect.getOwnPropertyDescriptor(target, key);
        },
      });
    for (const [name, channel] of [
      ['emailChannel', email],
      ['webhookChannel', teams],
    ] as const) {
      seen.clear();
      const smtp = 'smtp' in channel ? { smtp: record({ ...channel.smtp }, 'smtp.') } : {};
      parse([record({ ...channel, ...smtp }, '')]);
      const keys = [...seen].filter((key) => !key.startsWith('smtp.'));
      expect(keys.sort(), name).to.deep.equal(Object.keys(definitions[name]!.properties).sort());
      if (name === 'emailChannel') {
        expect(
          [...seen]
            .filter((key) => key.startsWith('smtp.'))
            .map((key) => key.slice(5))
            .sort(),
        ).to.deep.equal(Object.keys(definitions.smtp!.properties).sort());
      }
    }
  });
});

const run = (target: string, result: TargetRun['result'], startedAt: string, command = 'sync'): TargetRun => ({
  target,
  command,
  startedAt,
  finishedAt: startedAt,
  result,
  exitCode: result === 'success' ? 0 : result === 'refused' ? 4 : 6,
  report: '',
});

describe('which runs are told', () => {
  const t1 = '2026-12-01T02:00:00.000Z';
  const t2 = '2026-12-02T02:00:00.000Z';
  const t3 = '2026-12-03T02:00:00.000Z';

  it('a success after a refused or failed run of the same command is recovered; an ordinary success is not', () => {
    expect([...runEvents(0, [run('ilobby', 'success', t3)], [run('ilobby', 'success', t1), run('ilobby', 'refused', t2)])]).to.deep.equal([
      'success',
      'recovered',
    ]);
    expect([...runEvents(0, [run('ilobby', 'success', t3)], [run('ilobby', 'failed', t1), run('ilobby', 'success', t2)])]).to.deep.equal(['success']);
    expect([...runEvents(0, [run('ilobby', 'success', t3)], [run('ilobby', 'failed', t2, 'upload')])]).to.deep.equal(['success']);
    expect([...runEvents(0, [run('ilobby', 'success', t3)], [])]).to.deep.equal(['success']);
    expect([...runEvents(4, [run('ilobby', 'refused', t3)], [])]).to.deep.equal(['refused']);
    expect([...runEvents(3, [run('ilobby', 'failed', t3)], [])]).to.deep.equal(['failure']);
    expect([...runEvents(5, [run('a', 'failed', t3), run('b', 'refused', t3)], [])].sort()).to.deep.equal(['failure', 'refused']);
    expect(headline(new Set(['refused', 'failure']))).to.equal('failure');
  });

  it('sends to the channels whose "on" names an event of the run', () => {
    const channels = parse([email, teams, { ...teams, on: ['success'] }]).notify;
    expect(channelsFor(channels, new Set(['success'])).map((c) => c.key)).to.deep.equal(['notify[2]']);
    expect(channelsFor(channels, new Set(['success', 'recovered'])).map((c) => c.key)).to.deep.equal(['notify[0]', 'notify[2]']);
    expect(channelsFor(channels, new Set(['refused'])).map((c) => c.key)).to.deep.equal(['notify[0]']);
  });

  it('reads a run that failed before its targets as a failure of every target, and skips dry runs', () => {
    const failed = { command: 'sync', startedAt: t1, finishedAt: t1, exitCode: 3, error: 'cannot reach dc1' };
    expect(targetRunsOf(failed, 'r.json', ['toronto', 'montreal']).map((r) => [r.target, r.result, r.error])).to.deep.equal([
      ['toronto', 'failed', 'cannot reach dc1'],
      ['montreal', 'failed', 'cannot reach dc1'],
    ]);
    expect(targetRunsOf({ ...failed, dryRun: true }, 'r.json', ['toronto'])).to.deep.equal([]);
    expect(targetRunsOf({ ...failed, command: 'export' }, 'r.json', ['toronto'])).to.deep.equal([]);
  });
});

describe('notification messages', () => {
  const report = {
    command: 'sync',
    startedAt: '2026-12-05T02:00:00.000Z',
    durationMs: 12_400,
    exitCode: 4,
    targets: [
      {
        target: 'ilobby',
        outcome: 'refused',
        exitCode: 4,
        rows: 583,
        added: 0,
        changed: 1,
        disabled: 583,
        disabledExamples: ['a@corp.example', 'b@corp.example', 'c@corp.example', 'd@corp.example', 'e@corp.example', 'f@corp.example'],
        reason:
          'ilobby: refused:\n  - 583 people would be disabled, more than safety.maxDisableCount (500): a@corp.example, b@corp.example\n  - 583 of the 600 people in the last push (97.2%) would be disabled',
        hint: 'Run again with --force if intended.',
      },
    ],
  };
  const where = { host: 'sync01', configFile: '/etc/roster/config.json', reportFile: '/etc/roster/state/reports/x-sync.json' };

  it('an email says what happened, the counts, the first people concerned, why, what to try, and where the report is', () => {
    const { subject, text } = emailMessage(noticeOf('refused', report, where));
    expect(subject).to.equal('[roster] roster sync REFUSED on sync01 (exit 4)');
    expect(text).to.equal(
      [
        'roster sync REFUSED on sync01 (exit 4)',
        '',
        'ilobby: refused, nothing sent: 583 rows (0 added, 1 changed, 583 to be disabled)',
        '  would disable: a@corp.example, b@corp.example, c@corp.example, d@corp.example, e@corp.example (578 more)',
        '  why: - 583 people would be disabled, more than safety.maxDisableCount (500)',
        '  - 583 of the 600 people in the last push (97.2%) would be disabled',
        '  what to try: Run again with --force if intended.',
        '',
        'Host: sync01',
        'Config: /etc/roster/config.json',
        'Started: 2026-12-05T02:00:00.000Z (took 12.4 s)',
        'Exit code: 4',
        'Report: /etc/roster/state/reports/x-sync.json',
        '',
      ].join('\n'),
    );
    const failed = emailMessage(
      noticeOf('failure', { command: 'sync', startedAt: report.startedAt, exitCode: 3, error: 'dc1: connect ECONNREFUSED', hint: 'Run roster check.' }, where),
    ).text;
    expect(failed).to.include('Nothing was sent: dc1: connect ECONNREFUSED\nWhat to try: Run roster check.\n');
  });

  it('a Teams card and a Slack message carry the same title and facts', () => {
    const notice = noticeOf('refused', report, where);
    const card = teamsMessage(notice) as {
      type: string;
      attachments: Array<{
        contentType: string;
        content: { type: string; version: string; body: Array<{ type: string; text?: string; facts?: Array<{ title: string; value: string }> }> };
      }>;
    };
    expect(card.type).to.equal('message');
    expect(card.attachments[0]!.contentType).to.equal('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0]!.content).to.deep.include({ type: 'AdaptiveCard', version: '1.4' });
    expect(card.attachments[0]!.content.body[0]!.text).to.equal('roster sync REFUSED on sync01 (exit 4)');
    expect(card.attachments[0]!.content.body.at(-1)!.facts).to.deep.include({ title: 'Host', value: 'sync01' });
    const slack = slackMessage(notice) as { text: string; blocks: Array<{ type: string; text: { text: string } }> };
    expect(slack.text).to.equal('roster sync REFUSED on sync01 (exit 4)');
    expect(slack.blocks.map((b) => b.type)).to.deep.equal(['header', 'section']);
    expect(slack.blocks[1]!.text.text).to.include('583 rows (0 added, 1 changed, 583 to be disabled)');
    expect(slack.blocks[1]!.text.text).to.include('*Config:* /etc/roster/config.json');
  });

  it("a push the service reported problems with says so, with the service's words; a first push says whom it disables is unknown", () => {
    const pushed = {
      command: 'sync',
      startedAt: report.startedAt,
      exitCode: 9,
      targets: [
        {
          target: 'ilobby',
          outcome: 'uploaded',
          exitCode: 9,
          rows: 10,
          added: 10,
          changed: 0,
          disabled: null,
          firstPush: true,
          reason: 'ilobby: the service rejected 4 of 10 rows: it did not take those people\n    line 2, "o1@x.org": "unknown SITE"',
          hint: 'Correct the rows the service rejected.',
        },
      ],
    };
    const { subject, text } = emailMessage(noticeOf('failure', pushed, where));
    expect(subject).to.equal('[roster] roster sync FAILED on sync01 (exit 9)');
    expect(text).to.include(
      [
        'ilobby: pushed, but the service reported problems (exit 9): 10 rows (10 added, 0 changed, disabled: unknown (no earlier push))',
        '  why: ilobby: the service rejected 4 of 10 rows: it did not take those people',
        '  line 2, "o1@x.org": "unknown SITE"',
        '  what to try: Correct the rows the service rejected.',
      ].join('\n'),
    );
  });

  it("a push roster could not record says so and why, with what the service reported; the service's disable count beats the prediction", () => {
    const pushed = {
      command: 'sync',
      startedAt: report.startedAt,
      exitCode: 8,
      targets: [
        {
          target: 'ilobby',
          outcome: 'uploaded',
          exitCode: 8,
          rows: 10,
          added: 0,
          changed: 0,
          disabled: 0,
          serviceDisabled: 4,
          reason: 'ilobby: the upload went through, but roster could not record it as the last push (last-push.csv in /state/ilobby): EROFS',
          hint: 'Make the state folder writable again.',
        },
      ],
    };
    const { subject, text } = emailMessage(noticeOf('failure', pushed, where));
    expect(subject).to.equal('[roster] roster sync FAILED on sync01 (exit 8)');
    expect(text).to.include(
      [
        'ilobby: pushed, but not recorded as the last push (exit 8): 10 rows (0 added, 0 changed, 4 disabled by the service (roster predicted 0))',
        '  why: ilobby: the upload went through, but roster could not record it as the last push (last-push.csv in /state/ilobby): EROFS',
        '  what to try: Make the state folder writable again.',
      ].join('\n'),
    );
  });
});
