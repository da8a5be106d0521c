// Messages a tired admin can act on: a config.json that is not valid JSON is named with the line
// and column of the mistake, whatever Node.js's own message says; a Windows path whose backslashes
// JSON took as escapes (bad ones, or \r \t that turned into control characters) says to write \\ or
// /; and hints point at documentation that exists.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runRoster, workspace } from '../harness/cli.js';
import { packageRoot } from '../../src/platform/paths.js';

const exportWith = (configText: string) => {
  const dir = workspace({ 'config.json': configText });
  return runRoster(['export', '--config', join(dir, 'config.json')], { cwd: dir });
};
const BACKSLASH_HINT = 'write Windows paths with \\\\ or / (e.g. "C:\\\\roster\\\\state" or "C:/roster/state")';

describe('config.json mistakes, said so they can be fixed', () => {
  it('a Windows path with a backslash JSON refuses: line, column, and how to write it', async () => {
    const run = await exportWith('{\n  "directory": {\n    "caFile": "C:\\roster\\certs\\ca.pem"\n  }\n}\n');
    expect(run.code, run.all).to.equal(2);
    expect(run.stderr).to.include('is not valid JSON: line 3, column 25: a backslash JSON does not accept: "\\c"');
    expect(run.stderr).to.include(BACKSLASH_HINT);
  });

  it('a Windows path whose backslashes JSON read as \\t and \\n: the key named, and how to write it', async () => {
    const run = await exportWith(
      JSON.stringify({
        directory: { url: 'ldaps://dc1.corp.example', bindDn: 'x', bindPasswordEnv: 'X', searchBases: ['dc=x'], caFile: 'C:\temp\new-ca.pem' },
      }),
    );
    expect(run.code, run.all).to.equal(2);
    expect(run.stderr).to.include('directory.caFile: holds a control character (\\t, from a backslash in the file)');
    expect(run.stderr).to.include(BACKSLASH_HINT);
  });

  it('always a line and a column: a trailing comma, a missing comma, a bare word, an unclosed string', async () => {
    const cases: Array<[string, string]> = [
      ['{\n  "stateDir": "state",\n}\n', 'line 2, column 22: a trailing comma before "}"'],
      ['{\n  "stateDir": "state"\n  "csv": {}\n}\n', 'line 3, column 3: expected "," or "}"'],
      ['{\n  "stateDir": state\n}\n', 'line 2, column 15: expected a value, found state (text must be in double quotes)'],
      ['{\n  "stateDir": "state\n}\n', 'line 2, column 21: a line break inside a string'],
      ['{\n  // the state\n  "stateDir": "state"\n}\n', 'line 2, column 3: a comment: JSON has none'],
    ];
    for (const [text, expected] of cases) {
      const run = await exportWith(text);
      expect(run.code, run.all).to.equal(2);
      expect(run.stderr).to.include(`is not valid JSON: ${expected}`);
    }
  });

  it('the hint for a wrong key points at docs/configuration.md, which exists', async () => {
    const run = await exportWith(JSON.stringify({ stateDirectory: 'state' }));
    expect(run.code, run.all).to.equal(2);
    expect(run.stderr).to.include('every key is described in docs/configuration.md');
    expect(run.stderr).not.to.include('README');
    expect(existsSync(join(packageRoot, 'docs', 'configuration.md'))).to.equal(true);
  });
});
