import { expect } from 'chai';
import { diffRows } from '../../src/checks/diff.js';
import { evaluateGuards, NAMES_SHOWN } from '../../src/checks/guards.js';
import type { Row } from '../../src/mapping/mapRecord.js';
import { RowList } from '../../src/rows/rowStore.js';

const row = (email: string, title = ''): Row => ({ FIRSTNAME: '', LASTNAME: '', TITLE: title, DIVISION: '', EMAIL: email, MOBILE: '', DESKPHONE: '', SITE: '' });
const people = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => row(`${prefix}${i}@x.org`));
const safety = { minRows: 1, maxDisableCount: 500, maxDisablePercent: 10 };

describe('safety checks', () => {
  const verdict = (previous: Row[] | undefined, current: Row[], force = false, limits = safety) => {
    const { disabled } = diffRows(previous && RowList.of(previous), RowList.of(current));
    return evaluateGuards({
      rowCount: current.length, previousCount: previous?.length, safety: limits, force,
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
    expect(v.thresholds[0]).to.match(/^40 of the 100 people in the last push \(40\.0%\) would be disabled, more than safety\.maxDisablePercent \(10%\): p60@x\.org, p61@x\.org/);
    expect(v.thresholds[0]).to.match(/… \(30 more\)$/);
  });

  it('refuses more disables than maxDisableCount', () => {
    const v = verdict(people(1000), people(994), false, { ...safety, maxDisableCount: 5 });
    expect(v.thresholds[0]).to.match(/^6 people would be disabled, more than safety\.maxDisableCount \(5\)/);
  });

  it('refuses fewer rows than minRows', () => {
    expect(verdict(undefined, people(3), false, { ...safety, minRows: 10 }).thresholds).to.deep.equal(['the extract has 3 rows, fewer than safety.minRows (10)']);
  });

  it('lets --force override a threshold', () => {
    const v = verdict(people(100), people(60), true);
    expect(v.allowed).to.equal(true);
    expect(v.thresholds).to.have.length(1);
  });
});
