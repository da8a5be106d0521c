import { expect } from 'chai';
import { diffRows } from '../../src/checks/diff.js';
import { evaluateGuards, NAMES_SHOWN } from '../../src/checks/guards.js';
import type { Row } from '../../src/mapping/mapRecord.js';
import { RowList } from '../../src/rows/rowStore.js';

const row = (email: string, title = ''): Row => ({ FIRSTNAME: '', LASTNAME: '', TITLE: title, DIVISION: '', EMAIL: email, MOBILE: '', DESKPHONE: '', SITE: '' });
const people = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => row(`${prefix}${i}@x.org`));
const safety = { minRows: 1, maxDisableCount: 500, maxDisablePercent: 10 };

describe('changes against the last push', () => {
  it('counts added, changed, disabled and unchanged by email, case-insensitively', () => {
    const changes = diffRows(RowList.of([row('a@x.org'), row('B@x.org', 'Chef'), row('c@x.org')]), RowList.of([row('b@x.org', 'Chef'), row('c@x.org', 'New'), row('d@x.org')]));
    expect([...changes.added].map((r) => r.EMAIL)).to.deep.equal(['d@x.org']);
    // B@x.org vs b@x.org is the same person whose EMAIL changed case: a change, not a disable.
    expect(changes.changed.map((c) => [c.after.EMAIL, c.columns])).to.deep.equal([['b@x.org', ['EMAIL']], ['c@x.org', ['TITLE']]]);
    expect(changes.disabled.map((r) => r.EMAIL)).to.deep.equal(['a@x.org']);
    expect(changes.unchanged).to.equal(0);
  });
});

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

describe('changes between two large lists in any order', () => {
  it('agree with a plain comparison by lower-cased EMAIL', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const shuffle = <T>(list: T[]) => list.map((item) => [random(), item] as const).sort((a, b) => a[0] - b[0]).map(([, item]) => item);
    const previous = Array.from({ length: 3_000 }, (_, i) => row(`p${i}@x.org`, i % 7 === 0 ? 'Old' : ''));
    // Keeps most, changes some titles and the case of some EMAILs, drops some, adds some.
    const current = previous.filter((_, i) => i % 11 !== 0).map((r, i) => (i % 13 === 0 ? { ...r, EMAIL: r.EMAIL.toUpperCase() } : i % 5 === 0 ? { ...r, TITLE: 'New' } : r));
    for (let i = 0; i < 200; i++) current.push(row(`new${i}@x.org`));
    const changes = diffRows(RowList.of(shuffle(previous)), RowList.of(shuffle(current)));

    const key = (r: Row) => r.EMAIL.toLowerCase();
    const before = new Map(previous.map((r) => [key(r), r]));
    const now = new Map(current.map((r) => [key(r), r]));
    const expectedChanged = current.filter((r) => before.has(key(r)) && JSON.stringify(before.get(key(r))) !== JSON.stringify(r));
    expect([...changes.added].map(key).sort()).to.deep.equal(current.filter((r) => !before.has(key(r))).map(key).sort());
    expect(changes.disabled.map(key).sort()).to.deep.equal(previous.filter((r) => !now.has(key(r))).map(key).sort());
    expect(changes.changed.map((c) => key(c.after)).sort()).to.deep.equal(expectedChanged.map(key).sort());
    expect(changes.unchanged).to.equal(current.length - changes.added.length - expectedChanged.length);
    const shouted = current.find((r) => r.EMAIL !== r.EMAIL.toLowerCase())!;
    expect(changes.changed.find((c) => c.after.EMAIL === shouted.EMAIL)?.columns).to.deep.equal(['EMAIL']);
  });
});
