// A recorded push keeps its row count and checksum; a baseline that does not match them, or an
// older roster's baseline with no record that a run report contradicts or that holds no rows, is
// refused (exit 2).
import { expect } from 'chai';
import { BaselineMismatchError } from '../../src/platform/errors.js';
import { checkRecordedPush, pushRecordOf } from '../../src/platform/state/pushRecord.js';

const FILE = '/state/ilobby/last-push.csv';
const full = Buffer.from('HEADER\na\nb\nc\n');
const cut = Buffer.from('HEADER\na\n');
const none = () => undefined;

describe('push records', () => {
  it('accept the file they describe, and say it matched', () => {
    const record = pushRecordOf(full, 3);
    expect(checkRecordedPush(FILE, full, 3, [record], none)).to.deep.equal({ record });
  });

  it('accept a file described by the second record (a settle stopped between its two renames)', () => {
    const record = pushRecordOf(full, 3);
    expect(checkRecordedPush(FILE, full, 3, [pushRecordOf(cut, 1), record], none)).to.deep.equal({ record });
  });

  it('accept, after the service took part of a push, the file it accepted and the file as sent', () => {
    const record = pushRecordOf(cut, 1, {}, pushRecordOf(full, 3));
    expect(record.sent).to.deep.include({ rows: 3, bytes: full.length });
    expect(checkRecordedPush(FILE, cut, 1, [record], none)).to.deep.equal({ record });
    expect(checkRecordedPush(FILE, full, 3, [record], none)).to.deep.equal({ record });
  });

  it('refuse a file cut at a line boundary, or emptied to its header, naming both counts', () => {
    const record = pushRecordOf(full, 3);
    expect(() => checkRecordedPush(FILE, cut, 1, [record], none))
      .to.throw(BaselineMismatchError, /last-push\.csv is not the push roster recorded: it holds 1 rows \(9 bytes\), but last-push\.record\.json says 3 rows/)
      .with.property('exitCode', 2);
    expect(() => checkRecordedPush(FILE, Buffer.from('HEADER\n'), 0, [record], none)).to.throw(BaselineMismatchError, /holds 0 rows/);
  });

  it("check an earlier roster's baseline against the newest run report's count", () => {
    const report = { rows: 3, report: '/state/reports/r.json' };
    expect(checkRecordedPush(FILE, full, 3, [undefined], () => report)).to.deep.equal({});
    expect(() => checkRecordedPush(FILE, cut, 1, [undefined], () => report)).to.throw(
      BaselineMismatchError,
      /holds 1 rows, but the run report of that push \(\/state\/reports\/r\.json\) says 3 were sent/,
    );
  });

  it("refuse an earlier roster's baseline with no rows, and take one nothing can vouch for with a warning", () => {
    expect(() => checkRecordedPush(FILE, Buffer.from('HEADER\n'), 0, [undefined], none)).to.throw(BaselineMismatchError, /holds no rows/);
    expect(checkRecordedPush(FILE, full, 3, [undefined], none).warning).to.match(/no record of its row count and checksum .* taken as it is \(3 rows\)/);
  });
});
