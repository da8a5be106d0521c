// "Enabled" as each directory marks it (directory.accountState), applied on top of the user's
// filter: on the server where a filter can say it, by roster where it cannot. Pure.
//
//   ad       userAccountControl bit 2 (ACCOUNTDISABLE); with excludeExpired, accountExpires too
//   389ds    nsAccountLock TRUE, any case (also the value a role or CoS gives)
//   ppolicy  pwdAccountLockedTime = 000001010000Z, an administrator's permanent lock; a lockout
//            after failed binds carries its own time and ends by itself, so it keeps the person
//   shadow   shadowExpire (days since 1970) in the past: integerMatch has no ordering rule, so no
//            filter can compare it with today, and roster judges it
import type { AccountStateRule, AccountStateSetting } from '../config/types.js';
import type { AttributeTypes } from '../mapping/attributeNames.js';
import type { DirectoryServer } from './rootDse.js';
import { fileTime } from './filter.js';

/** One way an account is left out. */
export interface StateCheck {
  rule: AccountStateRule;
  /** For the summary: "locked (nsAccountLock)". */
  label: string;
  /** Server side: the clause the search adds, and the filter of those it leaves out (to count them). */
  keep?: string;
  leftOut?: string;
  /** Roster side: the attribute read, and whether its values leave the account out on `day` (days since 1970, UTC). */
  attribute?: string;
  isLeftOut?: (values: readonly string[], day: number) => boolean;
}

export interface AccountStatePlan {
  checks: StateCheck[];
  /** For check and the log: what roster applies on this server, and how. */
  description: string;
}

/** The rule does not fit the server found: a config fault (exit 2), in words naming the server. */
export class AccountStateMismatch extends Error {
  override name = 'AccountStateMismatch';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

const PERMANENT_LOCK = '000001010000Z';
const DAY_MS = 86_400_000;

export const STATE_CHECKS: Record<AccountStateRule, StateCheck> = {
  ad: {
    rule: 'ad',
    label: 'disabled (userAccountControl)',
    keep: '(!(userAccountControl:1.2.840.113556.1.4.803:=2))',
    leftOut: '(userAccountControl:1.2.840.113556.1.4.803:=2)',
  },
  '389ds': { rule: '389ds', label: 'locked (nsAccountLock)', keep: '(!(nsAccountLock=true))', leftOut: '(nsAccountLock=true)' },
  ppolicy: {
    rule: 'ppolicy',
    label: `locked (pwdAccountLockedTime ${PERMANENT_LOCK})`,
    keep: `(!(pwdAccountLockedTime=${PERMANENT_LOCK}))`,
    leftOut: `(pwdAccountLockedTime=${PERMANENT_LOCK})`,
  },
  shadow: { rule: 'shadow', label: 'expired (shadowExpire)', attribute: 'shadowExpire', isLeftOut: shadowExpired },
};

/** The attribute each rule reads, which the schema must define for the rule to mean anything. */
const RULE_ATTRIBUTE: Record<AccountStateRule, string> = {
  ad: 'userAccountControl',
  '389ds': 'nsAccountLock',
  ppolicy: 'pwdAccountLockedTime',
  shadow: 'shadowExpire',
};

/**
 * shadow(5): the day the account expires, in days since 1970-01-01; from that day on it may not
 * log in. 0 and -1 (and anything not a positive number) mean it never expires, as shadow(5) asks.
 */
export function shadowExpired(values: readonly string[], day: number): boolean {
  return values.some((value) => {
    const expires = Number(value.trim());
    return Number.isInteger(expires) && expires > 0 && day >= expires;
  });
}

export function dayNumber(now: Date): number {
  return Math.floor(now.getTime() / DAY_MS);
}

/** The accounts AD keeps enabled after their accountExpires: left out with directory.excludeExpired. */
export function adExpiredCheck(now: Date): StateCheck {
  // 0 and the largest 64-bit value both mean "never expires".
  const keep = `(|(!(accountExpires=*))(accountExpires=0)(accountExpires=9223372036854775807)(accountExpires>=${fileTime(now)}))`;
  return { rule: 'ad', label: 'expired (accountExpires)', keep, leftOut: `(!${keep})` };
}

export interface PlanOptions {
  excludeExpired: boolean;
  now: Date;
  /** The schema, when it could be read: a rule needs its attribute there. */
  schema: AttributeTypes | undefined;
}

/** What `setting` means on `server`; throws AccountStateMismatch when it cannot apply there. */
export function planAccountState(setting: AccountStateSetting, server: DirectoryServer, options: PlanOptions): AccountStatePlan {
  const isAd = server.kind === 'ad' || server.kind === 'samba';
  const defines = (rule: AccountStateRule) => options.schema?.knows(RULE_ATTRIBUTE[rule]);
  let rules: AccountStateRule[];
  if (setting === 'auto') {
    if (isAd) rules = ['ad'];
    else {
      rules = [];
      if (server.kind === '389ds' && defines('389ds') !== false) rules.push('389ds');
      if (server.kind === 'openldap' && (defines('ppolicy') ?? server.ppolicy)) rules.push('ppolicy');
      if (defines('shadow') !== false) rules.push('shadow');
    }
  } else {
    rules = setting === 'none' ? [] : [setting];
    for (const rule of rules) {
      const fits = rule === 'ad' ? isAd : (defines(rule) ?? (rule === 'shadow' || (rule === '389ds' ? server.kind === '389ds' : server.ppolicy)));
      if (!fits) throw new AccountStateMismatch('directory.accountState', `"${rule}" reads ${RULE_ATTRIBUTE[rule]}, which ${server.name} does not have`);
    }
  }
  const checks = rules.map((rule) => STATE_CHECKS[rule]);
  if (options.excludeExpired) {
    if (isAd) checks.push(adExpiredCheck(options.now));
    else if (defines('shadow') === false) {
      throw new AccountStateMismatch(
        'directory.excludeExpired',
        `reads Active Directory's accountExpires, or shadowExpire on other servers; ${server.name} has neither`,
      );
    } else if (!rules.includes('shadow')) checks.push(STATE_CHECKS.shadow);
  }
  return { checks, description: describePlan(setting, server, checks) };
}

function describePlan(setting: AccountStateSetting, server: DirectoryServer, checks: readonly StateCheck[]): string {
  const how = checks.map((check) => `${check.label}${check.keep !== undefined ? ' by the server' : ' by roster'}`);
  const what = how.length === 0 ? 'no account-state rule: only directory.filter decides who is exported' : `left out: ${how.join(', ')}`;
  return `${server.name}, accountState ${setting}: ${what}`;
}
