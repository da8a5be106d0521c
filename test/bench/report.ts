// The bench's report (bench.ts): a Markdown table of medians against issue 8's targets, what the
// server did during the runs, and every run's pair, headed by the machine's facts (measure.ts).
import { machineLine, median, rssMethod, startupLine, type Measured } from './measure.js';
import type { ServerCpu } from './serverCpu.js';

const TARGETS = { slapdRatio: 1.3, sambaRatio: 1.1, rssMb100k: 160, rssGrowthMb: 40 };

/** A directory the bench measures both clients against. */
export interface Directory {
  label: string;
  entries: number;
  url: string;
  caFile: string;
  bindDn: string;
  bindPassword: string;
  base: string;
  filter: string;
  /** fields.config.json */
  fields: Record<string, string | string[]>;
  /** The CSV roster must write. */
  expectedCsv: string;
  /** The server's processes. */
  serverPids(): number[];
}

/** Every measured run against one directory. */
export interface Result {
  directory: Directory;
  ldapsearch: Measured[];
  roster: Measured[];
  /** What the server did during each run above (undefined: no schedstat on this kernel). */
  serverDuringLdapsearch: Array<ServerCpu | undefined>;
  serverDuringRoster: Array<ServerCpu | undefined>;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const mark = (ok: boolean) => (ok ? '✓' : '✗');

/** The bench's output: the medians against the issue's targets, the server's side, every pair. */
export function table(results: Result[], { runs, pageSize }: { runs: number; pageSize: number }): string {
  const lines = [
    `roster export vs ldapsearch -E pr=${pageSize}/noprompt over LDAPS: median of ${runs} alternating runs after two warm-ups each`,
    `machine: ${machineLine()}`,
    `peak RSS: ${rssMethod()}`,
    startupLine(),
    '',
    '| directory | entries | ldapsearch | roster export | roster / ldapsearch | roster rows/s | roster peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const rss = new Map<string, number>();
  for (const { directory, ldapsearch, roster } of results) {
    const l = median(ldapsearch.map((m) => m.wallMs));
    const r = median(roster.map((m) => m.wallMs));
    const peak = median(roster.map((m) => m.peakRssKb));
    rss.set(directory.label, peak);
    const ratio = r / l;
    const ratioTarget = directory.label === 'slapd 100000' ? TARGETS.slapdRatio : directory.label.startsWith('Samba') ? TARGETS.sambaRatio : undefined;
    const rssTarget = directory.entries === 100_000 ? TARGETS.rssMb100k : undefined;
    lines.push(
      `| ${directory.label.replace(/ \d+$/, '')} | ${thousands(directory.entries)} | ${seconds(l)} | ${seconds(r)} | ` +
        `${ratio.toFixed(2)}×${ratioTarget ? ` ${mark(ratio <= ratioTarget)} ≤ ${ratioTarget}×` : ''} | ` +
        `${thousands(directory.entries / (r / 1000))} | ` +
        `${mb(peak)}${rssTarget ? ` ${mark(peak / 1024 <= rssTarget)} ≤ ${rssTarget} MB` : ''} |`,
    );
  }
  const small = rss.get('slapd 10000');
  const large = rss.get('slapd 100000');
  if (small !== undefined && large !== undefined) {
    const growth = (large - small) / 1024;
    lines.push(
      '',
      `peak RSS growth, slapd 10,000 → 100,000 entries: ${growth >= 0 ? '+' : ''}${Math.round(growth)} MB ${mark(growth < TARGETS.rssGrowthMb)} < ${TARGETS.rssGrowthMb} MB`,
    );
  }
  lines.push('', ...serverTable(results));
  // Every pair, so the spread behind each median is visible (a server's own pace varies run to run).
  lines.push('', 'each run, ldapsearch / roster (ratio):');
  for (const { directory, ldapsearch, roster } of results) {
    const pairs = ldapsearch.map(
      (l, i) => `${(l.wallMs / 1000).toFixed(2)}/${(roster[i]!.wallMs / 1000).toFixed(2)} (${(roster[i]!.wallMs / l.wallMs).toFixed(2)})`,
    );
    lines.push(`- ${directory.label}: ${pairs.join(', ')}`);
  }
  return lines.join('\n');
}

/**
 * The server's side of the same runs. Its CPU time says whether it worked equally hard for both
 * clients; its wait for a CPU is time its answer was held up by whatever else wanted the cores
 * (on this bench, chiefly the client: roster's compiler threads, say).
 */
function serverTable(results: Result[]): string[] {
  const lines = [
    'the server while each client ran, median per run: its CPU time, and its time ready to run but waiting for a CPU (/proc/<pid>/task/*/schedstat)',
    '',
    '| directory | entries | server CPU, ldapsearch | server CPU, roster | server waiting, ldapsearch | server waiting, roster |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  const ms = (values: Array<ServerCpu | undefined>, pick: (cpu: ServerCpu) => number) => {
    const known = values.filter((v): v is ServerCpu => v !== undefined);
    return known.length === values.length ? `${thousands(median(known.map(pick)))} ms` : 'n/a';
  };
  for (const { directory, serverDuringLdapsearch: l, serverDuringRoster: r } of results) {
    lines.push(
      `| ${directory.label.replace(/ \d+$/, '')} | ${thousands(directory.entries)} | ` +
        `${ms(l, (c) => c.runMs)} | ${ms(r, (c) => c.runMs)} | ${ms(l, (c) => c.waitMs)} | ${ms(r, (c) => c.waitMs)} |`,
    );
  }
  return lines;
}
