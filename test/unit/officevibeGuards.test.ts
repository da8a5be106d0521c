// Officevibe's changes and safety checks against the last push: people by email (as the service
// identifies them), groups by id, memberships counted.
import { expect } from 'chai';
import { compareUsers, pushedState, type PushedState, type PushedUser } from '../../src/officevibe/changes.js';
import { evaluateOfficevibeGuards, officevibeChanges } from '../../src/officevibe/guards.js';

const user = (id: string, email = `${id.toLowerCase()}@x.org`, jobTitle = ''): PushedUser => ({ id, email, firstName: '', lastName: '', jobTitle });
const safety = { minRows: 1, maxDisableCount: 500, maxDisablePercent: 10, maxChangePercent: 25 };
const state = (users: PushedUser[], groups = [{ id: 'G1', name: 'All' }], memberships = users.length): PushedState => ({ users, groups, memberships });
const people = (n: number, domain = 'x.org') => Array.from({ length: n }, (_, i) => user(`E${i}`, `p${i}@${domain}`));

describe('Officevibe changes against the last push', () => {
  it('matches people by email, trimmed and in any case, not by id', () => {
    const changes = compareUsers(
      [user('U1'), user('U2'), user('U3', 'c@x.org', 'Chef')],
      [user('NEW-2', ' U2@X.org '), user('U3', 'c@x.org', 'Boss'), user('U4')],
    );
    expect(changes.added.map((u) => u.email)).to.deep.equal(['u4@x.org']);
    expect(changes.deactivated.map((u) => u.email)).to.deep.equal(['u1@x.org']);
    expect(changes.changed.map((c) => [c.after.email, c.fields])).to.deep.equal([
      [' U2@X.org ', ['id', 'email']],
      ['c@x.org', ['jobTitle']],
    ]);
    expect(changes.kept).to.equal(2);
  });

  it('a new email domain with the same ids deactivates everyone', () => {
    const changes = compareUsers(people(3), people(3, 'newco.example'));
    expect(changes.deactivated.map((u) => u.email)).to.deep.equal(['p0@x.org', 'p1@x.org', 'p2@x.org']);
    expect(changes.added).to.have.length(3);
    expect(changes.kept).to.equal(0);
  });

  it('reads users, groups and memberships back from a recorded request, and refuses anything else', () => {
    const recorded = {
      users: [{ id: 'U1', email: 'a@x.org', firstName: 'Ann', jobTitle: null }],
      groups: [{ id: 'G1', name: 'All' }],
      mappings: [
        { groupId: 'G1', userId: 'U1', subGroupId: null },
        { groupId: 'G1', userId: null, subGroupId: 'G2' },
      ],
    };
    expect(pushedState(recorded)).to.deep.equal({
      users: [{ id: 'U1', email: 'a@x.org', firstName: 'Ann', lastName: '', jobTitle: '' }],
      groups: [{ id: 'G1', name: 'All' }],
      memberships: 1,
    });
    expect(pushedState({ users: [{ email: 'a@x.org' }] })).to.equal(undefined);
    expect(pushedState({ users: [], groups: [{ name: 'no id' }] })).to.equal(undefined);
    expect(pushedState([])).to.equal(undefined);
  });
});

describe('Officevibe safety checks', () => {
  const check = (previous: PushedState | undefined, current: PushedState, force = false) =>
    evaluateOfficevibeGuards(previous, current, officevibeChanges(previous, current), safety, { force, firstPush: false });

  it('refuses deactivations by email past the thresholds, naming people by email', () => {
    const v = check(state(people(10)), state(people(10, 'newco.example')));
    expect(v.allowed).to.equal(false);
    expect(v.thresholds).to.deep.equal([
      '10 of the 10 people in the last push (100.0%) would be disabled, more than safety.maxDisablePercent (10%): p0@x.org, p1@x.org, p2@x.org, p3@x.org, p4@x.org, p5@x.org, p6@x.org, p7@x.org, p8@x.org, p9@x.org',
    ]);
  });

  it('lets new ids with the same emails through: nobody is deactivated', () => {
    const renumbered = people(10).map((u, i) => ({ ...u, id: `X${i}` }));
    expect(check(state(people(10)), state(renumbered))).to.deep.equal({ fatal: undefined, firstPushRefused: false, thresholds: [], allowed: true });
  });

  it('refuses removing more groups than the thresholds allow, and an emptied groups file; --force overrides', () => {
    const groups = [
      { id: 'G1', name: 'All' },
      { id: 'G2', name: 'Sales' },
      { id: 'G3', name: '' },
    ];
    const emptied = check(state(people(5), groups), state(people(5), [], 0));
    expect(emptied.allowed).to.equal(false);
    expect(emptied.thresholds).to.deep.equal([
      '3 of the 3 groups in the last push (100.0%) would be removed, more than safety.maxDisablePercent (10%): All (G1), Sales (G2), G3',
      'every group membership would be removed: the last push had 5 member or manager lines, this one has none',
    ]);
    expect(check(state(people(5), groups), state(people(5), [], 0), true).allowed).to.equal(true);
    // A renamed group keeps its id: nothing removed.
    expect(check(state(people(5), groups), state(people(5), [{ id: 'G1', name: 'Everyone' }, ...groups.slice(1)])).allowed).to.equal(true);
  });

  it('refuses dropping every membership while users remain', () => {
    const v = check(state(people(5)), state(people(5), undefined, 0));
    expect(v.thresholds).to.deep.equal(['every group membership would be removed: the last push had 5 member or manager lines, this one has none']);
    expect(check(state(people(5), undefined, 0), state(people(5), undefined, 0)).allowed).to.equal(true);
  });

  it('refuses a first push without --first-push, whatever the thresholds say', () => {
    const first = (flags: { force: boolean; firstPush: boolean }) =>
      evaluateOfficevibeGuards(undefined, state(people(3)), officevibeChanges(undefined, state(people(3))), safety, flags);
    expect(first({ force: true, firstPush: false })).to.deep.include({ firstPushRefused: true, allowed: false });
    expect(first({ force: false, firstPush: true })).to.deep.include({ firstPushRefused: false, allowed: true });
  });

  it('guards changes of names and job titles, not of ids', () => {
    const retitled = people(8).map((u, i) => (i < 3 ? { ...u, jobTitle: 'Sales' } : u));
    const v = check(state(people(8)), state(retitled));
    expect(v.thresholds).to.deep.equal([
      '3 of the 8 people kept (37.5%) would have a column changed, more than safety.maxChangePercent (25%): jobTitle for 3 (e.g. p0@x.org: "" → "Sales"; p1@x.org: "" → "Sales"; p2@x.org: "" → "Sales")',
    ]);
  });

  it('never allows an empty users list, even with --force', () => {
    const v = check(state(people(3)), state([], [], 0), true);
    expect(v.allowed).to.equal(false);
    expect(v.fatal).to.match(/^the extract has no rows/);
  });
});
