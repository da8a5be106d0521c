import { expect } from 'chai';
import { diffRows } from '../../src/ilobby/diff.js';
import type { Row } from '../../src/mapping/mapRecord.js';
import { RowList } from '../../src/rowstore/rowStore.js';
import { row } from '../harness/rows.js';

describe('changes against the last push', () => {
  it('counts added, changed, disabled and unchanged by email, case-insensitively', () => {
    const changes = diffRows(
      RowList.of([row('a@x.org'), row('B@x.org', { TITLE: 'Chef' }), row('c@x.org')]),
      RowList.of([row('b@x.org', { TITLE: 'Chef' }), row('c@x.org', { TITLE: 'New' }), row('d@x.org')]),
    );
    expect([...changes.added].map((r) => r.EMAIL)).to.deep.equal(['d@x.org']);
    // B@x.org vs b@x.org is the same person whose EMAIL changed case: a change, not a disable.
    expect(changes.changed.map((c) => [c.after.EMAIL, c.columns])).to.deep.equal([
      ['b@x.org', ['EMAIL']],
      ['c@x.org', ['TITLE']],
    ]);
    expect(changes.disabled.map((r) => r.EMAIL)).to.deep.equal(['a@x.org']);
    expect(changes.unchanged).to.equal(0);
  });
});

describe('changes between two large lists in any order', () => {
  it('agree with a plain comparison by lower-cased EMAIL', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const shuffle = <T>(list: T[]) =>
      list
        .map((item) => [random(), item] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, item]) => item);
    const previous = Array.from({ length: 3_000 }, (_, i) => row(`p${i}@x.org`, { TITLE: i % 7 === 0 ? 'Old' : '' }));
    // Keeps most, changes some titles and the case of some EMAILs, drops some, adds some.
    const current = previous
      .filter((_, i) => i % 11 !== 0)
      .map((r, i) => (i % 13 === 0 ? { ...r, EMAIL: r.EMAIL.toUpperCase() } : i % 5 === 0 ? { ...r, TITLE: 'New' } : r));
    for (let i = 0; i < 200; i++) current.push(row(`new${i}@x.org`));
    const changes = diffRows(RowList.of(shuffle(previous)), RowList.of(shuffle(current)));

    const key = (r: Row) => r.EMAIL.toLowerCase();
    const before = new Map(previous.map((r) => [key(r), r]));
    const now = new Map(current.map((r) => [key(r), r]));
    const expectedChanged = current.filter((r) => before.has(key(r)) && JSON.stringify(before.get(key(r))) !== JSON.stringify(r));
    expect([...changes.added].map(key).sort()).to.deep.equal(
      current
        .filter((r) => !before.has(key(r)))
        .map(key)
        .sort(),
    );
    expect(changes.disabled.map(key).sort()).to.deep.equal(
      previous
        .filter((r) => !now.has(key(r)))
        .map(key)
        .sort(),
    );
    expect(changes.changed.map((c) => key(c.after)).sort()).to.deep.equal(expectedChanged.map(key).sort());
    expect(changes.unchanged).to.equal(current.length - changes.added.length - expectedChanged.length);
    const shouted = current.find((r) => r.EMAIL !== r.EMAIL.toLowerCase())!;
    expect(changes.changed.find((c) => c.after.EMAIL === shouted.EMAIL)?.columns).to.deep.equal(['EMAIL']);
  });
});
