// Usage mistakes exit 2 with a sentence, never a stack trace.
import { expect } from 'chai';
import { runRoster } from '../harness/cli.js';

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
