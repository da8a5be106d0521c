// Usage mistakes exit 2 with a sentence, never a stack trace.
import { expect } from 'chai';
import { runRoster, workspace } from '../harness/cli.js';

describe('usage errors', () => {
  it('--config given twice', async () => {
    const run = await runRoster(['export', '--config', 'a.json', '--config', 'b.json']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('--config is given more than once');
    expect(run.stderr).not.to.match(/\bat .*\.js:\d+/);
  });

  it('an unknown command or option', async () => {
    for (const args of [['exprot'], ['export', '--outt', 'x.csv']]) {
      const run = await runRoster(args);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr).to.match(/Unknown (argument|arguments|command)/i);
    }
  });
});

describe('config faults exit 2, naming the key', () => {
  // Checked before any connection: the URL points at a closed port so a run that got that far
  // would fail with exit 3 instead.
  const directory = { url: 'ldap://127.0.0.1:9', searchBases: ['DC=example,DC=org'] };
  const malformed = '(&(objectClass=user)(cn=a)';

  it('a malformed directory.filter: export, check and officevibe export', async () => {
    const dir = workspace({
      'config.json': { directory: { ...directory, filter: malformed }, fields: 'fields.json' },
      'fields.json': { EMAIL: 'mail' },
      'ov.json': {
        ApiKeyEnv: 'OV_KEY',
        SyncManagerEmail: 'a@example.org',
        directory: { ...directory, filter: malformed },
        export: { groups: { dns: ['CN=G,DC=example,DC=org'] } },
      },
    });
    for (const args of [['export'], ['check'], ['officevibe', 'export', '--config', 'ov.json']]) {
      const run = await runRoster(args, { cwd: dir, env: { OV_KEY: 'k' } });
      expect(run.code, `${args.join(' ')}: ${run.all}`).to.equal(2);
      expect(run.all, args.join(' ')).to.match(/directory\.filter\b.*malformed/);
      expect(run.all).not.to.match(/\bat .*\.js:\d+/);
    }
  });

  it('a malformed export.groups.filter (officevibe export)', async () => {
    const dir = workspace({
      'config.json': { ApiKeyEnv: 'OV_KEY', SyncManagerEmail: 'a@example.org', directory, export: { groups: { filter: '(cn=OV-*' } } },
    });
    const run = await runRoster(['officevibe', 'export'], { cwd: dir, env: { OV_KEY: 'k' } });
    expect(run.code, run.all).to.equal(2);
    expect(run.all).to.match(/export\.groups\.filter\b.*malformed/);
  });
});
