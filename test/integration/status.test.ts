// roster status is a monitoring plugin: whatever keeps it from judging (a bad --max-age, an
// unknown option, a state folder that is a file or holds a file where a folder belongs) is
// UNKNOWN, exit 3, with the reason on stdout's first line: never a stack trace, never CRITICAL (2).
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRoster, workspace } from '../harness/cli.js';
import { validate } from '../harness/jsonSchema.js';
import { packageRoot } from '../../src/platform/paths.js';

const statusSchema = JSON.parse(readFileSync(join(packageRoot, 'schema', 'status.schema.json'), 'utf8')) as Record<string, unknown>;
const config = (extra: Record<string, unknown> = {}) => ({
  ilobby: {
    tokenUrl: 'https://ilobby.example/auth/connect/token',
    uploadUrl: 'https://ilobby.example/addressbook/uploadcsv',
    clientId: 'x',
    clientSecretEnv: 'UNUSED',
  },
  ...extra,
});
const status = (dir: string, args: string[] = []) => runRoster(['status', '--config', join(dir, 'config.json'), ...args], { cwd: dir });

describe('roster status never crashes and never lies', () => {
  it('an invalid --max-age (0, abc, 26 without a unit) is UNKNOWN (exit 3) with the reason, in text and in JSON', async () => {
    const dir = workspace({ 'config.json': config() });
    for (const value of ['0', 'abc', '26']) {
      const run = await status(dir, ['--max-age', value]);
      expect(run.code, run.all).to.equal(3);
      expect(run.stdout).to.match(new RegExp(`^ROSTER UNKNOWN - --max-age "${value}" is not a duration\\n`));
      expect(run.stderr).to.include('e.g. --max-age 26h');
      const json = await status(dir, ['--max-age', value, '--json']);
      expect(json.code, json.all).to.equal(3);
      const report = JSON.parse(json.stdout) as Record<string, unknown>;
      expect(validate(statusSchema, report)).to.deep.equal([]);
      expect(report).to.deep.include({ status: 'unknown', exitCode: 3, maxAgeSeconds: null });
    }
  });

  it('an unknown option is UNKNOWN too, not a usage error (2)', async () => {
    const dir = workspace({ 'config.json': config() });
    const run = await status(dir, ['--max-agee', '26h']);
    expect(run.code, run.all).to.equal(3);
    expect(run.stdout).to.match(/^ROSTER UNKNOWN - Unknown argument/);
  });

  it('a state folder that is a file, or a reports folder that is a file: UNKNOWN with the path, no stack trace', async () => {
    const dir = workspace({ 'config.json': config({ stateDir: 'state' }), state: 'not a folder' });
    const file = await status(dir);
    expect(file.code, file.all).to.equal(3);
    expect(file.stdout).to.match(new RegExp(`^ROSTER UNKNOWN - cannot read the run reports in ${join(dir, 'state', 'reports')}: ENOTDIR`));
    expect(file.all).not.to.match(/\n\s+at /);
    expect(file.all).not.to.include('bug');

    const other = workspace({ 'config.json': config({ stateDir: 'state' }) });
    mkdirSync(join(other, 'state'));
    writeFileSync(join(other, 'state', 'reports'), 'a file where the reports folder belongs');
    const reports = await status(other, ['--json']);
    expect(reports.code, reports.all).to.equal(3);
    const report = JSON.parse(reports.stdout) as Record<string, unknown>;
    expect(validate(statusSchema, report)).to.deep.equal([]);
    expect(report.summary).to.match(/^cannot read the run reports in .*: ENOTDIR$/);
    expect(reports.all).not.to.match(/\n\s+at /);
  });

  it('a config it cannot read is UNKNOWN with the reason on stdout', async () => {
    const dir = workspace({ 'config.json': '{ "ilobby": ' });
    const run = await status(dir);
    expect(run.code, run.all).to.equal(3);
    expect(run.stdout).to.match(/^ROSTER UNKNOWN - .*config\.json: is not valid JSON/);
  });
});
