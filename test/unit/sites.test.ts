// SITE values checked before any push: which target receives a row, which values a target does not
// know, the nearest known name, and the refusal's words.
import { expect } from 'chai';
import { checkSites, describeUnknownSite, mapExample, nearestSite, siteCounts, siteRefusal, type SiteTarget } from '../../src/ilobby/sites.js';
import { row } from '../harness/rows.js';
import { RowList } from '../../src/rowstore/rowStore.js';

const counts = (sites: Record<string, number>) => new Map(Object.entries(sites));
const target = (name: string, sites?: string[], accepted?: string[]): SiteTarget => ({ name, sites, accepted: accepted && new Set(accepted) });

describe('SITE values', () => {
  it('counts each value, most rows first', () => {
    const rows = [row('a@x.org', { SITE: 'Toronto' }), row('b@x.org', { SITE: 'Montreal' }), row('c@x.org', { SITE: 'Toronto' }), row('d@x.org')];
    expect([...siteCounts(RowList.of(rows))]).to.deep.equal([
      ['Toronto', 2],
      ['', 1],
      ['Montreal', 1],
    ]);
  });

  it('finds the nearest known name without case and accents', () => {
    expect(nearestSite('Montréal', ['Toronto', 'Montreal'])).to.equal('Montreal');
    expect(nearestSite('TORONTO', ['Toronto', 'Montreal'])).to.equal('Toronto');
    expect(nearestSite('Head Ofice', ['Head Office'])).to.equal('Head Office');
    expect(nearestSite('Vancouver', ['Toronto', 'Montreal'])).to.equal(undefined);
  });

  it('one target receives every row: a value in neither sites nor the last push is unknown', () => {
    const check = checkSites(counts({ Toronto: 5, Montréal: 3, Ottawa: 2, '': 1 }), [target('ilobby', ['Toronto', 'Montreal'], ['Ottawa'])]);
    expect(check.targets[0]!.unknown).to.deep.equal([{ site: 'Montréal', rows: 3, nearest: 'Montreal' }]);
    expect(check.targets[0]!.receives('anything')).to.equal(true);
    expect(check).to.include({ unroutedEmpty: 0 }).and.to.have.property('unrouted').that.deep.equals([]);
  });

  it('without sites and without a last push, every non-empty value is unknown; the refusal asks for sites', () => {
    const check = checkSites(counts({ Toronto: 5, '': 1 }), [target('ilobby')]);
    expect(check.targets[0]!.unknown).to.deep.equal([{ site: 'Toronto', rows: 5 }]);
    const refusal = siteRefusal({ ...target('ilobby'), sitesKey: 'ilobby.sites', firstPush: true }, check.targets[0]!, check.unrouted);
    expect(refusal?.message).to.match(
      /^ilobby: refused: this first push has rows with a SITE \("Toronto" 5\), but ilobby.sites does not name the portal's sites/,
    );
    expect(refusal?.hint).to.include('--force does not override this');
  });

  it('a value the last push had passes without sites; an empty SITE always passes', () => {
    const check = checkSites(counts({ Toronto: 5, '': 2 }), [target('ilobby', undefined, ['Toronto'])]);
    expect(check.targets[0]!.unknown).to.deep.equal([]);
    expect(siteRefusal({ ...target('ilobby', undefined, ['Toronto']), sitesKey: 'ilobby.sites', firstPush: false }, check.targets[0]!, [])).to.equal(undefined);
  });

  it('several targets route by their sites; a value none of them names goes nowhere and is unknown to all', () => {
    const targets = [target('toronto', ['Toronto']), target('montreal', ['Montreal'], ['Montreal'])];
    const check = checkSites(counts({ Toronto: 5, Montreal: 4, Montréal: 2, '': 1 }), targets);
    expect(check.targets.map((t) => [t.receives('Toronto'), t.receives('Montreal'), t.receives('')])).to.deep.equal([
      [true, false, false],
      [false, true, false],
    ]);
    expect(check.unrouted).to.deep.equal([{ site: 'Montréal', rows: 2, nearest: 'Montreal' }]);
    expect(check.unroutedEmpty).to.equal(1);
    const refusal = siteRefusal({ ...targets[0]!, sitesKey: 'ilobby[0].sites', firstPush: false }, check.targets[0]!, check.unrouted);
    expect(refusal?.message).to.equal(
      `toronto: refused: SITE values no target's sites name, so their rows would go to no address book (and a target that held those people would disable them): "Montréal" (2 rows; nearest known name: "Montreal", which differs only in accents)`,
    );
  });

  it('a target without sites among several receives every row and checks each against its last push', () => {
    const check = checkSites(counts({ Toronto: 5, Ottawa: 1 }), [target('all', undefined, ['Toronto']), target('toronto', ['Toronto'])]);
    expect(check.targets[0]!.unknown).to.deep.equal([{ site: 'Ottawa', rows: 1 }]);
    expect(check.unrouted).to.deep.equal([]);
  });

  it('says how a value differs from a nearest name that looks the same, and writes a map entry that can be pasted', () => {
    const nfd = 'Montréal'.normalize('NFD');
    expect(describeUnknownSite({ site: nfd, rows: 3, nearest: 'Montréal' })).to.equal(
      `"${nfd}" (3 rows; nearest known name: "Montréal", the same text in another Unicode form: NFD, the known name NFC)`,
    );
    expect(describeUnknownSite({ site: 'Head  Office', rows: 1, nearest: 'Head Office' })).to.match(/which differs only in spaces\)$/);
    expect(describeUnknownSite({ site: 'MONTREAL', rows: 1, nearest: 'Montreal' })).to.match(/which differs only in letter case\)$/);
    expect(describeUnknownSite({ site: 'Montreal', rows: 1, nearest: 'Montréal' })).to.match(/which differs only in accents\)$/);
    expect(describeUnknownSite({ site: 'Toronto Est', rows: 1, nearest: 'Toronto' })).to.equal('"Toronto Est" (1 row; nearest known name: "Toronto")');
    expect(
      mapExample([
        { site: 'Ottawa', rows: 1 },
        { site: nfd, rows: 1, nearest: 'Montréal' },
      ]),
    ).to.equal('"Montre\\u0301al": "Montréal"');
    expect(mapExample([{ site: 'Ottawa', rows: 1 }])).to.equal('"Ottawa": "<the portal\'s name>"');
  });
});
