// A 2xx from the upload endpoint counts as an upload only when it is the service's own answer.
import { expect } from 'chai';
import { uploadAnswerProblem } from '../../src/ilobby/api/answer.js';

describe("the upload endpoint's success answer", () => {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  it('is a JSON object without an error', () => {
    expect(uploadAnswerProblem(json, Buffer.from('{"received":2,"created":1,"updated":1,"disabled":0,"errors":[]}'))).to.equal(undefined);
    expect(uploadAnswerProblem({}, Buffer.from('\uFEFF{"received":2}'))).to.equal(undefined);
  });
  it('is not an HTML page, an empty body, text, a list or an error object', () => {
    expect(uploadAnswerProblem({ 'content-type': 'text/html' }, Buffer.from('<!DOCTYPE html><html></html>'))).to.match(/an HTML page/);
    expect(uploadAnswerProblem(json, Buffer.from('  <html><body>Sign in</body></html>'))).to.match(/an HTML page/);
    expect(uploadAnswerProblem(json, Buffer.alloc(0))).to.equal('an empty answer');
    expect(uploadAnswerProblem({ 'content-type': 'text/plain' }, Buffer.from('OK'))).to.equal('not JSON (text/plain)');
    expect(uploadAnswerProblem(json, Buffer.from('[1,2]'))).to.match(/not the service's answer object/);
    expect(uploadAnswerProblem(json, Buffer.from('"done"'))).to.match(/not the service's answer object/);
    expect(uploadAnswerProblem(json, Buffer.from('{"error":"quota exceeded"}'))).to.equal('an error answer');
  });
});
