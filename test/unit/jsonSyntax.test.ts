// Where a JSON text goes wrong: the line and column of the first mistake and what it is.
import { expect } from 'chai';
import { findJsonSyntaxError } from '../../src/config/jsonSyntax.js';

describe('JSON syntax errors', () => {
  it('finds nothing wrong in valid JSON, whatever its shape', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e3, true, null, "x\\u00e9\\n"], "b": {"c": {}}} ', '"text"', '0']) {
      expect(findJsonSyntaxError(text), text).to.equal(undefined);
    }
  });

  it('names the first mistake with its 1-based line and column', () => {
    expect(findJsonSyntaxError('{"a": "C:\\roster"}')).to.equal(undefined); // \r is a valid escape (the reader flags it)
    expect(findJsonSyntaxError('{"a": "C:\\state"}')).to.deep.equal({
      line: 1,
      column: 10,
      problem: 'a backslash JSON does not accept: "\\s"',
      badEscape: true,
    });
    expect(findJsonSyntaxError('[1,\n 2,\n]')).to.deep.include({ line: 2, column: 3, problem: 'a trailing comma before "]": JSON allows none' });
    expect(findJsonSyntaxError('{"a": 1} }')).to.deep.include({ line: 1, column: 10 });
    expect(findJsonSyntaxError('{"a": "x')).to.deep.include({ line: 1, column: 7, problem: 'a string that is never closed (a missing ")' });
    expect(findJsonSyntaxError("{'a': 1}")).to.deep.include({ problem: 'expected a key in double quotes, found "\'"' });
    expect(findJsonSyntaxError('')).to.deep.include({ line: 1, column: 1, problem: 'the file is empty' });
    expect(findJsonSyntaxError('{"a" 1}')).to.deep.include({ problem: 'expected ":" after the key, found "1"' });
  });
});
