// What the service took of a push, from its answer: the rejected rows named by line or email come
// out of what is recorded; a bare count is recorded as unidentified; a disable count above the
// prediction is a problem (exit 9); a first push cannot be above a prediction it never made.
import { expect } from 'chai';
import { serviceFindings } from '../../src/ilobby/accepted.js';
import { csvBytes } from '../../src/ilobby/csv/csvFile.js';
import { RowList } from '../../src/rowstore/rowStore.js';
import { row } from '../harness/rows.js';

const rows = RowList.of([
  row('a@x.org', { SITE: 'Toronto' }),
  row('b@x.org', { SITE: 'Montréal', TITLE: 'two\nlines' }),
  row('c@x.org', { SITE: 'Toronto' }),
  row('d@x.org', { SITE: 'Montréal' }),
]);
const sent = { rows, bytes: csvBytes(rows, { bom: true }) };
const answer = (fields: Partial<Parameters<typeof serviceFindings>[2]> = {}) => ({ rejectedCount: 0, rejected: [], silent: false, ...fields });
const emails = (list: RowList | undefined) => [...(list ?? [])].map((r) => r.EMAIL);

describe('what the service took of a push', () => {
  it('is the whole file when the service rejected nothing', () => {
    const findings = serviceFindings('ilobby', sent, answer({ disabled: 1 }), 1);
    expect(findings).to.deep.include({ problems: [], rejectedCount: 0, serviceDisabled: 1 });
    expect(findings.accepted).to.equal(undefined);
  });

  it('leaves out the rows named by email, or by the line of the file sent (a quoted line break counts)', () => {
    // Line 1 is the header; b@x.org's TITLE spans lines 3 and 4, so d@x.org starts on line 6.
    const rejected = [
      { email: 'b@x.org', message: 'unknown SITE "Montréal"' },
      { line: 6, message: 'unknown SITE "Montréal"' },
    ];
    const findings = serviceFindings('ilobby', sent, answer({ rejectedCount: 2, rejected }), 0);
    expect(emails(findings.accepted?.rows)).to.deep.equal(['a@x.org', 'c@x.org']);
    expect(findings.accepted?.unidentifiedRejections).to.equal(0);
    expect(findings.problems).to.have.length(1);
    expect(findings.problems[0]).to.match(/^ilobby: the service rejected 2 of 4 rows: .*the last push now records the 2 rows it accepted:/);
    expect(findings.problems[0]).to.include(`\n    "b@x.org": "unknown SITE \\"Montréal\\""\n    line 6: "unknown SITE \\"Montréal\\""`);
  });

  it('keeps the rows of a bare count, saying how many it could not name', () => {
    const findings = serviceFindings('ilobby', sent, answer({ rejectedCount: 3 }), 0);
    expect(findings.accepted?.rows.length).to.equal(4);
    expect(findings.accepted?.unidentifiedRejections).to.equal(3);
    expect(findings.problems[0]).to.match(/3 of them the service did not name, so the last push records them too/);
  });

  it('tells apart the rows it names that were never sent (an email not in the file, a line past its end)', () => {
    const rejected = [
      { email: 'a@x.org', message: 'bad' },
      { email: 'nobody@x.org', message: 'bad' },
      { line: 99, message: 'bad' },
    ];
    const findings = serviceFindings('ilobby', sent, answer({ rejectedCount: 3, rejected }), 0);
    expect(findings.rejectedCount).to.equal(1);
    expect(emails(findings.accepted?.rows)).to.deep.equal(['b@x.org', 'c@x.org', 'd@x.org']);
    expect(findings.accepted?.unidentifiedRejections).to.equal(0);
    expect(findings.problems[0]).to.match(/rejected 1 of 4 rows: .*; it also names 2 rows that were not in the file sent \("nobody@x\.org", line 99\)/);
    // Never more unnamed rows than the file holds.
    expect(serviceFindings('ilobby', sent, answer({ rejectedCount: 900 }), 0).accepted?.unidentifiedRejections).to.equal(4);
  });

  it('keeps the whole file, vouching for nothing, when the service says rows failed without a count', () => {
    const findings = serviceFindings('ilobby', sent, answer({ uncounted: 'status "completed_with_errors"' }), 0);
    expect(findings.accepted).to.deep.include({ unidentifiedRejections: 0, uncounted: true });
    expect(findings.accepted?.rows.length).to.equal(4);
    expect(findings.problems[0]).to.match(/says status "completed_with_errors", but it did not say which rows or how many/);
  });

  it('quotes what the service says, so a control character cannot act on the log', () => {
    const findings = serviceFindings('ilobby', sent, answer({ rejectedCount: 1, rejected: [{ line: 2, message: 'bad\r\n2026-01-01 ERROR forged' }] }), 0);
    expect(findings.problems[0]).to.include('line 2: "bad\\r\\n2026-01-01 ERROR forged"');
  });

  it('is a problem when the service disabled more people than predicted; a first push only notes its count', () => {
    expect(serviceFindings('ilobby', sent, answer({ disabled: 3 }), 1).problems).to.deep.equal([
      "ilobby: the service says it disabled 3 people; roster predicted 1: it held people who were not in roster's last push (added in the portal by hand, or by another tool), or rejected rows",
    ]);
    const first = serviceFindings('ilobby', sent, answer({ disabled: 3 }), undefined);
    expect(first.problems).to.deep.equal([]);
    expect(first.notes).to.deep.equal(['ilobby: the service says it disabled 3 people (a first push cannot know how many)']);
  });

  it('notes an empty answer', () => {
    expect(serviceFindings('ilobby', sent, answer({ silent: true }), 0).notes[0]).to.match(/said nothing about what it did/);
  });
});
