// The upload endpoint's 2xx answer, read whole: not the service's answer, an answer naming an
// error, rows rejected (in the shapes a service may use), the service's own disable count.
import { expect } from 'chai';
import { readUploadAnswer, type UploadAnswer } from '../../src/ilobby/api/answer.js';

const json = { 'content-type': 'application/json; charset=utf-8' };
const read = (body: unknown) => readUploadAnswer(json, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)));
const problem = (answer: UploadAnswer) => (answer.accepted ? undefined : answer.problem);

describe("the upload endpoint's answer", () => {
  it('is accepted when it is a JSON object naming no error and no rejected row', () => {
    expect(read({ received: 2, created: 1, updated: 1, disabled: 0, errors: [] })).to.deep.equal({
      accepted: true,
      rejectedCount: 0,
      rejected: [],
      disabled: 0,
      silent: false,
    });
    expect(readUploadAnswer({}, Buffer.from('\uFEFF{"received":2}'))).to.include({ accepted: true, rejectedCount: 0, silent: false });
    expect(read({ responseStatus: null, errorCount: 0, failed: [] })).to.include({ accepted: true, rejectedCount: 0 });
  });

  it('is accepted, but said to say nothing, when it is an empty object', () => {
    expect(read({})).to.include({ accepted: true, silent: true, rejectedCount: 0 });
  });

  it('is not an upload when it is an HTML page, an empty body, text, a list or a bare value', () => {
    expect(problem(readUploadAnswer({ 'content-type': 'text/html' }, Buffer.from('<!DOCTYPE html><html></html>')))).to.match(/an HTML page/);
    expect(problem(read('  <html><body>Sign in</body></html>'))).to.match(/an HTML page/);
    expect(problem(read(''))).to.equal('an empty answer');
    expect(problem(readUploadAnswer({ 'content-type': 'text/plain' }, Buffer.from('OK')))).to.equal('not JSON (text/plain)');
    expect(problem(read([1, 2]))).to.match(/not the service's answer object/);
    expect(problem(read('"done"'))).to.match(/not the service's answer object/);
    expect(read('<html></html>')).to.include({ fromService: false });
  });

  it('is a failed upload when it names an error: error, responseStatus.errorCode, success false, a failed status', () => {
    expect(read({ error: 'quota exceeded' })).to.deep.equal({ accepted: false, problem: 'an error answer (error)', fromService: true });
    expect(problem(read({ responseStatus: { errorCode: 'ValidationException', message: 'SITE is invalid', errors: [] } }))).to.equal(
      'an error answer (responseStatus.errorCode "ValidationException")',
    );
    expect(problem(read({ ResponseStatus: { ErrorCode: 'Forbidden' } }))).to.match(/responseStatus\.errorCode "Forbidden"/);
    expect(problem(read({ success: false, message: 'file refused' }))).to.equal('an answer saying success: false');
    expect(problem(read({ isSuccess: false }))).to.equal('an answer saying isSuccess: false');
    expect(problem(read({ status: 'blocked' }))).to.equal('an answer with status "blocked"');
    expect(problem(read({ result: { status: 'Failed' } }))).to.equal('an answer with status "Failed"');
    expect(problem(read({ errorCode: 500 }))).to.equal('an error answer (errorCode)');
    expect(problem(read({ Success: 'False' }))).to.equal('an answer saying Success: "False"');
    // Not errors: a status that is fine, a success, an empty responseStatus, an error list, the words services write for "no error".
    expect(read({ status: 'completed', success: true, responseStatus: {}, error: null })).to.include({ accepted: true });
    for (const none of ['0', 'None', 'OK', 'null', 'no_error', ''])
      expect(read({ error: none, errorCode: none, responseStatus: { errorCode: none } }), none).to.include({ accepted: true, rejectedCount: 0 });
    expect(read({ errorMessage: 'none' })).not.to.have.property('uncounted');
  });

  it('finds rejected rows under any key with error, fail, reject or invalid, at the top or one level down', () => {
    const flat = read({ received: 3, errors: [{ line: 5, email: 'Ada@Example.org', message: 'unknown SITE "Montréal"' }] });
    expect(flat).to.deep.include({ accepted: true, rejectedCount: 1, rejected: [{ line: 5, email: 'ada@example.org', message: 'unknown SITE "Montréal"' }] });

    const nested = read({
      result: {
        rejectedCount: 3,
        failedRows: [
          { row: '7', reason: 'bad' },
          { lineNumber: 9, Error: 'worse' },
        ],
      },
    });
    expect(nested).to.deep.include({
      rejectedCount: 3,
      rejected: [
        { line: 7, message: 'bad' },
        { line: 9, message: 'worse' },
      ],
    });

    expect(read({ summary: { InvalidRows: 4 } })).to.include({ rejectedCount: 4 });
    expect(read({ invalidEmails: ['x@example.org'], failedLines: [12] })).to.deep.include({
      rejectedCount: 2,
      rejected: [
        { email: 'x@example.org', message: '' },
        { line: 12, message: '' },
      ],
    });
    // Counts written as text, as some services serialise numbers.
    expect(read({ rejectedCount: '3', errors: '0' })).to.include({ rejectedCount: 3 });
    // Deeper than one level is not read.
    expect(read({ a: { b: { errors: [1] } } })).to.include({ rejectedCount: 0 });
    // An item that says nothing recognisable is kept as its JSON.
    expect(read({ errors: [{ code: 17 }] })).to.deep.include({ rejected: [{ message: '{"code":17}' }] });
  });

  it('says rows were rejected without a count when a status names errors or a partial success, or errors are text', () => {
    expect(read({ status: 'completed_with_errors' })).to.include({ accepted: true, rejectedCount: 0, uncounted: 'status "completed_with_errors"' });
    expect(read({ result: { Status: 'PartiallySucceeded' } })).to.include({ uncounted: 'Status "PartiallySucceeded"' });
    expect(read({ validationErrors: 'Row 3: unknown site' })).to.include({ uncounted: 'validationErrors: "Row 3: unknown site"' });
    expect(read({ status: 'completed', errors: '' })).not.to.have.property('uncounted');
  });

  it("reads the service's own disable count under a key with disabled or deactivated", () => {
    expect(read({ disabled: 7 })).to.include({ disabled: 7 });
    expect(read({ disabled: '7' })).to.include({ disabled: 7 });
    expect(read({ result: { deactivatedUsers: ['a@x.org', 'b@x.org'] } })).to.include({ disabled: 2 });
    expect(read({ result: { deactivatedCount: 2 } })).to.include({ disabled: 2 });
    expect(read({ created: 1 })).not.to.have.property('disabled');
  });
});
