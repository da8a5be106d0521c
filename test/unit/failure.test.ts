// The one failure reporter (platform/log/failure.ts): a typed error's exit code, log line and report fields.
import { expect } from 'chai';
import { ConfigError, DirectoryError, errnoText, ExitCode } from '../../src/platform/errors.js';
import { describeFailure, failureFields, reportFailure } from '../../src/platform/log/failure.js';
import { silentLogger, type Fields, type Logger } from '../../src/platform/log/logger.js';

function recordingLogger(): { log: Logger; errors: Array<[string, Fields | undefined]> } {
  const errors: Array<[string, Fields | undefined]> = [];
  return { log: { ...silentLogger, error: (message, fields) => errors.push([message, fields]) }, errors };
}

describe('the failure reporter', () => {
  it('gives a typed error its own exit code, kind and hint, and anything else exit 1 as a bug', () => {
    const config = new ConfigError('/etc/roster/config.json', ['directory.filter is malformed'], { hint: 'fix it' });
    expect(describeFailure(config)).to.deep.equal({
      exitCode: ExitCode.invalidInput,
      kind: 'ConfigError',
      message: '/etc/roster/config.json: directory.filter is malformed',
      hint: 'fix it',
    });
    expect(describeFailure(new DirectoryError('bind refused')).exitCode).to.equal(ExitCode.directory);
    const bug = describeFailure(new TypeError('x is undefined'));
    expect([bug.exitCode, bug.kind, bug.message]).to.deep.equal([ExitCode.unexpected, 'unexpected', 'x is undefined']);
    expect(bug.hint).to.match(/bug in roster/);
  });

  it('logs one error line with what to try, the cause only with --verbose, and a bug with its stack', () => {
    const cause = new Error('ECONNRESET from the DC');
    const error = new DirectoryError('the search failed', { hint: 'run again', cause });
    const quiet = recordingLogger();
    expect(reportFailure(error, quiet.log, false).exitCode).to.equal(3);
    expect(quiet.errors).to.deep.equal([['the search failed\n  what to try: run again', { exitCode: 3, kind: 'DirectoryError' }]]);
    const verbose = recordingLogger();
    reportFailure(error, verbose.log, true);
    expect(verbose.errors[0]![0]).to.equal('the search failed\n  what to try: run again\n  cause: ECONNRESET from the DC');
    const bug = recordingLogger();
    expect(reportFailure(new RangeError('index out of range'), bug.log, false).exitCode).to.equal(1);
    expect(bug.errors[0]![0]).to.match(/^unexpected error \(a bug in roster[^\n]*\nRangeError: index out of range\n\s+at /);
    expect(bug.errors[0]![1]).to.deep.equal({ exitCode: 1, kind: 'unexpected' });
  });

  it('records the failure in the run report', () => {
    expect(failureFields(describeFailure(new DirectoryError('no route', { hint: 'check the network' })))).to.deep.equal({
      error: 'no route',
      errorKind: 'DirectoryError',
      hint: 'check the network',
    });
    expect(failureFields(describeFailure(new DirectoryError('no route')))).to.deep.equal({ error: 'no route', errorKind: 'DirectoryError' });
  });

  it('writes a failed system call as its code, or its message when it has none', () => {
    expect(errnoText(Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT' }))).to.equal('ENOENT');
    expect(errnoText(new Error('socket hang up'))).to.equal('socket hang up');
    expect(errnoText('plain text')).to.equal('plain text');
    expect(errnoText(undefined)).to.equal('undefined');
  });
});
