import { expect } from 'chai';
import { diffRows } from '../../src/ilobby/diff.js';
import { columnChanges, evaluateGuards, NAMES_SHOWN } from '../../src/safety/guards.js';
import type { Row } from '../../src/mapping/mapRecord.js';
import { RowList } from '../../src/rowstore/rowStore.js';
import { row } from '../harness/rows.js';

const people = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => row(`${prefix}${i}@x.org`));
const safety = { minRows: 1, maxDisableCount: 500, maxDisablePercent: 10, maxChangePercent: 25 };

describe('safety checks', () => {
  const verdict = (previous: Row[] | undefined, current: Row[], force = false, limits = safety) => {
    const { disabled } = diffRows(previous && RowList.of(previous), RowList.of(current));
    return evaluateGuards({
      rowCount: current.length,
      previousCount: previous?.length,
      safety: limits,
      force,
      firstPush: true,
      disabled: { count: disabled.length, examples: disabled.slice(0, NAMES_SHOWN).map((r) => r.EMAIL) },
    });
  };

  it('refuses an empty roster, even with --force', () => {
    const v = verdict(people(20), [], true);
    expect(v.allowed).to.equal(false);
    expect(v.fatal).to.equal('the extract has no rows: pushing it would leave the service empty and would disable all 20 people of the last push');
  });

  it('allows a first push and a small change', () => {
    expect(verdict(undefined, people(3)).allowed).to.equal(true);
    expect(verdict(people(100), people(91)).allowed).to.equal(true); // 9% disabled
  });

  it('refuses more disables than maxDisablePercent, naming the first people', () => {
    const v = verdict(people(100), people(60));
    expect(v.allowed).to.equal(false);
    expect(v.thresholds).to.have.length(1);
    expect(v.thresholds[0]).to.match(
      /^40 of the 100 people in the last push \(40\.0%\) would be disabled, more than safety\.maxDisablePercent \(10%\): p60@x\.org, p61@x\.org/,
    );
    expect(v.thresholds[0]).to.match(/… \(30 more\)$/);
  });

  it('refuses more disables than maxDisableCount', () => {
    const v = verdict(people(1000), people(994), false, { ...safety, maxDisableCount: 5 });
    expect(v.thresholds[0]).to.match(/^6 people would be disabled, more than safety\.maxDisableCount \(5\)/);
  });

  it('refuses fewer rows than minRows', () => {
    expect(verdict(undefined, people(3), false, { ...safety, minRows: 10 }).thresholds).to.deep.equal([
      'the extract has 3 rows, fewer than safety.minRows (10)',
    ]);
  });

  it('lets --force override a threshold', () => {
    const v = verdict(people(100), people(60), true);
    expect(v.allowed).to.equal(true);
    expect(v.thresholds).to.have.length(1);
  });
});

describe('the change guard and the first push', () => {
  const titled = (n: number, title: (i: number) => string) => Array.from({ length: n }, (_, i) => row(`p${i}@x.org`, { TITLE: title(i) }));
  const verdict = (previous: Row[] | undefined, current: Row[], options: { force?: boolean; firstPush?: boolean } = {}) => {
    const changes = diffRows(previous && RowList.of(previous), RowList.of(current));
    return evaluateGuards({
      rowCount: current.length,
      previousCount: previous?.length,
      safety,
      force: options.force ?? false,
      firstPush: options.firstPush ?? false,
      disabled: { count: changes.disabled.length, examples: changes.disabled.map((r) => r.EMAIL) },
      changed: previous && columnChanges(changes.changed, changes.changed.length + changes.unchanged, ['TITLE', 'FIRSTNAME'], (r) => r.EMAIL),
    });
  };

  it('refuses more than maxChangePercent of the people kept with a column changed, naming the column with examples', () => {
    const v = verdict(
      titled(10, () => 'Engineer'),
      titled(10, (i) => (i < 3 ? 'Sales' : 'Engineer')),
    );
    expect(v.allowed).to.equal(false);
    expect(v.thresholds).to.deep.equal([
      '3 of the 10 people kept (30.0%) would have a column changed, more than safety.maxChangePercent (25%): TITLE for 3 (e.g. p0@x.org: "Engineer" → "Sales"; p1@x.org: "Engineer" → "Sales"; p2@x.org: "Engineer" → "Sales")',
    ]);
    expect(
      verdict(
        titled(10, () => 'Engineer'),
        titled(10, (i) => (i < 2 ? 'Sales' : 'Engineer')),
      ).allowed,
    ).to.equal(true);
    expect(
      verdict(
        titled(10, () => 'Engineer'),
        titled(10, (i) => (i < 3 ? 'Sales' : 'Engineer')),
        { force: true },
      ).allowed,
    ).to.equal(true);
  });

  it('refuses a column emptied for most people kept even within maxChangePercent', () => {
    const v = verdict(
      titled(10, () => 'Engineer'),
      titled(10, (i) => (i < 6 ? '' : 'Engineer')),
      {},
    );
    expect(v.thresholds).to.include(
      'TITLE would be emptied for 6 of the 10 people kept (60.0%): e.g. p0@x.org: "Engineer" → ""; p1@x.org: "Engineer" → ""; p2@x.org: "Engineer" → ""',
    );
    const lenient = evaluateGuards({
      rowCount: 10,
      previousCount: 10,
      safety: { ...safety, maxChangePercent: 100 },
      force: false,
      firstPush: false,
      disabled: { count: 0, examples: [] },
      changed: { kept: 10, changed: 6, columns: [{ column: 'TITLE', changed: 6, emptied: 6, examples: ['x'] }] },
    });
    expect(lenient.thresholds).to.deep.equal(['TITLE would be emptied for 6 of the 10 people kept (60.0%): e.g. x']);
  });

  it('does not count an EMAIL whose case changed', () => {
    const before = titled(4, () => 'A');
    const after = before.map((r) => ({ ...r, EMAIL: r.EMAIL.toUpperCase() }));
    expect(verdict(before, after).thresholds).to.deep.equal([]);
  });

  it('refuses a first push unless --first-push, even with --force', () => {
    expect(verdict(undefined, people(3), { force: true })).to.deep.include({ firstPushRefused: true, allowed: false });
    expect(verdict(undefined, people(3), { firstPush: true })).to.deep.include({ firstPushRefused: false, allowed: true });
  });
});
