// What a notification says, in each channel's shape: a plain-text email a person reads in ten
// seconds, a Teams card, a Slack message, or a JSON summary. Pure: senders only deliver these.
// The senders pass every message through redact() as a last guard; nothing here reads a secret.
import type { NotifyEvent } from '../../config/types.js';
import { UNKNOWN_BEFORE_FIRST_PUSH } from '../../safety/guards.js';

/** A target's part in a run, as the run report records it. */
export interface TargetNotice {
  target: string;
  outcome: string;
  exitCode: number;
  rows?: number;
  added?: number;
  changed?: number;
  disabled?: number;
  /** After an upload: how many people the service says it disabled, when it says. */
  serviceDisabled?: number;
  /** No earlier push to compare with: how many it disables was unknown. */
  firstPush?: boolean;
  disabledExamples?: string[];
  reason?: string;
  hint?: string;
}

export interface Notice {
  event: NotifyEvent | 'test';
  command: string;
  host: string;
  configFile: string;
  exitCode: number;
  startedAt: string;
  durationMs?: number;
  targets: TargetNotice[];
  /** Why the run as a whole failed (before any target), and what to try. */
  error?: string;
  hint?: string;
  reportFile?: string;
  logFile?: string;
}

const PEOPLE_SHOWN = 5;
/** Exit 8: pushed, but roster could not record the push. */
const NOT_RECORDED = 8;
/** Exit 9: pushed, but the service rejected rows or disabled more people than predicted. */
const SERVICE_PROBLEMS = 9;
const EVENT_WORDS: Record<Notice['event'], string> = {
  failure: 'FAILED',
  refused: 'REFUSED',
  recovered: 'recovered',
  success: 'succeeded',
  test: 'test message',
};

/** The run report's fields as a notice; `report` is what runCommand wrote. */
export function noticeOf(
  event: NotifyEvent,
  report: Record<string, unknown>,
  where: { host: string; configFile: string; reportFile?: string; logFile?: string },
): Notice {
  const targets = Array.isArray(report.targets) ? (report.targets as Array<Record<string, unknown>>) : [];
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const count = (value: unknown) => (typeof value === 'number' ? value : undefined);
  return {
    event,
    command: typeof report.command === 'string' ? report.command : '',
    ...where,
    exitCode: count(report.exitCode) ?? 1,
    startedAt: text(report.startedAt) ?? '',
    durationMs: count(report.durationMs),
    targets: targets.map((t) => ({
      target: String(t.target),
      outcome: String(t.outcome),
      exitCode: count(t.exitCode) ?? 1,
      rows: count(t.rows),
      added: count(t.added),
      changed: count(t.changed),
      disabled: count(t.disabled),
      serviceDisabled: count(t.serviceDisabled),
      ...(t.firstPush === true ? { firstPush: true } : {}),
      disabledExamples: Array.isArray(t.disabledExamples) ? t.disabledExamples.filter((e): e is string => typeof e === 'string') : undefined,
      reason: text(t.reason),
      hint: text(t.hint),
    })),
    error: text(report.error),
    hint: text(report.hint),
  };
}

/** A test message for `roster notify --test`. */
export function testNotice(where: { host: string; configFile: string }, at: Date): Notice {
  return { event: 'test', command: 'notify --test', ...where, exitCode: 0, startedAt: at.toISOString(), targets: [] };
}

export function title(notice: Notice): string {
  if (notice.event === 'test') return `roster on ${notice.host}: test message`;
  return `roster ${notice.command} ${EVENT_WORDS[notice.event]} on ${notice.host} (exit ${notice.exitCode})`;
}

/** The lines that say what happened, target by target, with counts and the first people concerned. */
export function summaryLines(notice: Notice): string[] {
  if (notice.event === 'test') {
    return [`This is a test message from roster on ${notice.host}, sent by "roster notify --test".`, 'If you can read it, this channel works.'];
  }
  const lines: string[] = [];
  if (notice.targets.length === 0 && notice.error !== undefined) lines.push(`Nothing was sent: ${notice.error}`);
  for (const t of notice.targets) {
    const fate = t.outcome === 'uploaded' ? 'disabled' : 'to be disabled';
    // After an upload, the service's own count where it gives one: roster's was a prediction.
    const disabled =
      t.outcome === 'uploaded' && t.serviceDisabled !== undefined && t.serviceDisabled !== t.disabled
        ? `${t.serviceDisabled} disabled by the service (roster predicted ${t.firstPush === true ? UNKNOWN_BEFORE_FIRST_PUSH : (t.disabled ?? 0)})`
        : t.firstPush === true
          ? `${fate}: ${UNKNOWN_BEFORE_FIRST_PUSH}`
          : `${t.disabled ?? 0} ${fate}`;
    const counts = t.rows === undefined ? '' : `${t.rows} rows (${t.added ?? 0} added, ${t.changed ?? 0} changed, ${disabled})`;
    const what =
      t.outcome === 'uploaded'
        ? t.exitCode === SERVICE_PROBLEMS
          ? `pushed, but the service reported problems (exit ${t.exitCode})`
          : t.exitCode === NOT_RECORDED
            ? `pushed, but not recorded as the last push (exit ${t.exitCode})`
            : 'pushed'
        : t.outcome === 'refused'
          ? 'refused, nothing sent'
          : `${t.outcome} (exit ${t.exitCode})`;
    lines.push(`${t.target}: ${what}${counts ? `: ${counts}` : ''}`);
    const people = t.disabledExamples ?? [];
    if (people.length > 0 && t.outcome !== 'uploaded') {
      const more = (t.disabled ?? people.length) - Math.min(people.length, PEOPLE_SHOWN);
      lines.push(`  would disable: ${people.slice(0, PEOPLE_SHOWN).join(', ')}${more > 0 ? ` (${more} more)` : ''}`);
    }
    if (t.reason !== undefined) lines.push(`  why: ${reasonText(t.reason, people[0])}`);
    if (t.hint !== undefined) lines.push(`  what to try: ${t.hint}`);
  }
  if (notice.targets.length > 0 && notice.error !== undefined) lines.push(`Error: ${notice.error}`);
  if (notice.hint !== undefined) lines.push(`What to try: ${notice.hint}`);
  return lines;
}

/** A refusal's reason without its "target: refused:" lead and without the names already listed above it. */
function reasonText(reason: string, firstPerson: string | undefined): string {
  return reason
    .replace(/^[^:\n]+: refused:\s*/, '')
    .split('\n')
    .map((line) => {
      const names = firstPerson === undefined ? -1 : line.indexOf(`: ${firstPerson}`);
      return (names >= 0 ? line.slice(0, names) : line).trim();
    })
    .filter((line) => line !== '')
    .join('\n  ');
}

/** Where it happened and where to read more. */
export function facts(notice: Notice): Array<[string, string]> {
  const list: Array<[string, string]> = [
    ['Host', notice.host],
    ['Config', notice.configFile],
  ];
  if (notice.event !== 'test') {
    const took = notice.durationMs === undefined ? '' : ` (took ${Math.round(notice.durationMs / 100) / 10} s)`;
    list.push(['Started', `${notice.startedAt}${took}`], ['Exit code', String(notice.exitCode)]);
  }
  if (notice.reportFile !== undefined) list.push(['Report', notice.reportFile]);
  if (notice.logFile !== undefined) list.push(['Log', notice.logFile]);
  return list;
}

export function emailMessage(notice: Notice): { subject: string; text: string } {
  const factLines = facts(notice).map(([name, value]) => `${name}: ${value}`);
  return { subject: `[roster] ${title(notice)}`, text: `${[title(notice), '', ...summaryLines(notice), '', ...factLines].join('\n')}\n` };
}

/** An Adaptive Card in a message, which Teams incoming webhooks and Workflows ("post to a channel") accept. */
export function teamsMessage(notice: Notice): unknown {
  const attention = notice.event === 'failure' || notice.event === 'refused';
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: title(notice), weight: 'Bolder', size: 'Medium', wrap: true, color: attention ? 'Attention' : 'Good' },
            ...summaryLines(notice).map((line) => ({ type: 'TextBlock', text: line, wrap: true, spacing: 'Small' })),
            { type: 'FactSet', facts: facts(notice).map(([name, value]) => ({ title: name, value })) },
          ],
        },
      },
    ],
  };
}

/** Slack's incoming-webhook shape: `text` (the notification line) and blocks. */
export function slackMessage(notice: Notice): unknown {
  // Slack reads <…> as links and mentions; & < > must be escaped in its text.
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const details = [...summaryLines(notice).map(escape), '', ...facts(notice).map(([name, value]) => `*${name}:* ${escape(value)}`)].join('\n');
  return {
    text: title(notice),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title(notice).slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: details.slice(0, 3000) } },
    ],
  };
}

/** The run's summary as data, for a receiver that is a program. */
export function jsonMessage(notice: Notice): unknown {
  return { source: 'roster', title: title(notice), ...notice };
}
