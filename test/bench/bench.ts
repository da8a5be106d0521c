// npm run bench — issue 8: how roster export compares with OpenLDAP's own ldapsearch, and how
// its memory grows with the directory.
//
//   npm run bench                       everything (~5 min): slapd 10k + 100k, Samba AD 10k
//   node dist/test/bench/bench.js --only slapd --runs 5
//
// What it does, in one process, cleaning up every server and temp file at the end (or on Ctrl-C):
//   1. slapd with 10,000 and with 100,000 generated inetOrgPerson entries (slapadd), and a Samba
//      AD DC with its fixture plus 10,000 generated users in OU=Bench (loaded offline);
//   2. per directory: two warm-ups of each client (so neither pays for a cold server cache, and a
//      freshly loaded Samba has settled), then `--runs` (default 11) alternating runs of
//        ldapsearch -E pr=1000/noprompt   same base, filter, attributes; LDIF to a file; LDAPS
//        roster export                    the built CLI spawned as a cron job would; CSV; LDAPS
//      both with a scheduled job's environment, not this session's (measure.ts says why);
//      each checked (ldapsearch: every entry in its LDIF; roster: exit 0 and a CSV byte-identical
//      to the one the generator says it must be), so a fast wrong run cannot count;
//   3. report.ts: a Markdown table with the medians, their ratio, rows per second, roster's peak
//      RSS and the targets, headed by the machine it ran on; then what the server's
//      processes did while each client ran (CPU time, and time waiting for a CPU: serverCpu.ts).
// Not part of npm test: the file names do not end in .test.ts.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_FIELDS, DEFAULT_FILTER } from '../harness/ad-fixture.js';
import { CLI } from '../harness/cli.js';
import { FIELD_MAPPING, FILTER, SEARCH_BASE, writeGeneratedExpectedCsv, writePeopleLdif } from '../harness/ldap-fixture.js';
import { SAMBA_BINARY, startSamba } from '../harness/samba.js';
import { SLAPADD, SLAPD, startSlapd } from '../harness/slapd.js';
import { BENCH_OU, writeAdPeopleLdif } from './ad-people.js';
import { killRunning, measure, type Measured } from './measure.js';
import { mb, seconds, table, type Directory, type Result } from './report.js';
import { serverCpuBetween, serverCpuSoFar, type ServerCpu } from './serverCpu.js';

const LDAPSEARCH = '/usr/bin/ldapsearch';
const PAGE_SIZE = 1000;
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '11' },
    only: { type: 'string' },
  },
});
const RUNS = Number(args.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive whole number, found ${args.runs}`);
const ONLY = args.only;
if (ONLY !== undefined && ONLY !== 'slapd' && ONLY !== 'samba') throw new Error(`--only takes slapd or samba, found ${ONLY}`);

const work = mkdtempSync(join(tmpdir(), 'roster-bench-'));
const removeWork = () => rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
process.on('exit', removeWork);
// Ctrl-C or a CI timeout: stop the client being measured, then leave through process.exit so
// every harness's 'exit' handler stops its server and removes its folder.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killRunning();
    process.exit(130);
  });
}

const say = (line: string) => process.stderr.write(`${line}\n`);

function requireBinaries(): void {
  const needed: Array<[string, string]> = [[LDAPSEARCH, 'ldap-utils']];
  if (ONLY !== 'samba') needed.push([SLAPD, 'slapd'], [SLAPADD, 'slapd']);
  if (ONLY !== 'slapd') needed.push([SAMBA_BINARY, 'samba-ad-dc samba-ad-provision']);
  const missing = needed.filter(([path]) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.map(([p]) => p).join(', ')}: apt-get install ${[...new Set(missing.map(([, pkg]) => pkg))].join(' ')} (as .ci/run does)`,
    );
  }
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench does)`);
}

function attributesOf(fields: Record<string, string | string[]>): string[] {
  return [...new Set(Object.values(fields).flat())];
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

function countEntries(ldifFile: string): number {
  const text = readFileSync(ldifFile, 'latin1');
  let n = 0;
  for (let i = text.indexOf('dn:'); i !== -1; i = text.indexOf('\ndn:', i + 1)) n++;
  return n;
}

function firstDifference(actualFile: string, expectedFile: string): string {
  if (!existsSync(actualFile)) return 'no CSV at all';
  const actual = readFileSync(actualFile, 'utf8').split('\n');
  const expected = readFileSync(expectedFile, 'utf8').split('\n');
  const i = actual.findIndex((line, n) => line !== expected[n]);
  if (i === -1) return `${actual.length - 1} lines where ${expected.length - 1} were expected`;
  return `line ${i + 1} is ${JSON.stringify(actual[i])}, expected ${JSON.stringify(expected[i])}`;
}

async function benchmark(directory: Directory): Promise<Result> {
  const dir = join(work, directory.label.replace(/\W+/g, '-'));
  mkdirSync(dir);
  writeFileSync(join(dir, 'bind-password.txt'), `${directory.bindPassword}\n`);
  writeFileSync(join(dir, 'fields.json'), JSON.stringify(directory.fields, null, 2));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify(
      {
        directory: {
          url: directory.url,
          caFile: directory.caFile,
          bindDn: directory.bindDn,
          bindPasswordFile: 'bind-password.txt',
          searchBases: [directory.base],
          filter: directory.filter,
          pageSize: PAGE_SIZE,
        },
        fields: 'fields.json',
        csv: { path: 'people.csv' },
        stateDir: 'state',
      },
      null,
      2,
    ),
  );
  const expectedHash = await sha256(directory.expectedCsv);
  const ldif = join(dir, 'ldapsearch.ldif');
  const attributes = attributesOf(directory.fields);

  const ldapsearch = async (): Promise<Measured> => {
    const m = await measure(
      LDAPSEARCH,
      [
        '-LLL',
        '-o',
        'ldif-wrap=no',
        '-x',
        '-H',
        directory.url,
        '-D',
        directory.bindDn,
        '-w',
        directory.bindPassword,
        '-b',
        directory.base,
        '-s',
        'sub',
        '-E',
        `pr=${PAGE_SIZE}/noprompt`,
        directory.filter,
        ...attributes,
      ],
      { env: { LDAPTLS_CACERT: directory.caFile }, stdoutFile: ldif, scratchDir: work },
    );
    if (m.code !== 0) throw new Error(`ldapsearch against ${directory.label} exited with ${m.code}: ${m.stderr}`);
    const found = countEntries(ldif);
    if (found !== directory.entries) throw new Error(`ldapsearch returned ${found} entries from ${directory.label}, expected ${directory.entries}`);
    rmSync(ldif);
    return m;
  };
  const roster = async (): Promise<Measured> => {
    const csv = join(dir, 'people.csv');
    rmSync(csv, { force: true });
    const m = await measure(process.execPath, [CLI, 'export', '--config', join(dir, 'config.json')], { cwd: dir, scratchDir: work });
    if (m.code !== 0) throw new Error(`roster export against ${directory.label} exited with ${m.code}:\n${m.stdout}${m.stderr}`);
    if (!existsSync(csv) || (await sha256(csv)) !== expectedHash) {
      throw new Error(
        `roster export against ${directory.label} wrote a CSV that differs from the expected one: ${firstDifference(csv, directory.expectedCsv)}`,
      );
    }
    return m;
  };

  for (const round of [1, 2]) {
    say(`${directory.label}: warm-up ${round}/2`);
    await ldapsearch();
    await roster();
  }
  const result: Result = { directory, ldapsearch: [], roster: [], serverDuringLdapsearch: [], serverDuringRoster: [] };
  // After the warm-ups: Samba's LDAP workers are all forked by then.
  const pids = directory.serverPids();
  const watched = async (run: () => Promise<Measured>, measured: Measured[], server: Array<ServerCpu | undefined>) => {
    const before = serverCpuSoFar(pids);
    measured.push(await run());
    server.push(serverCpuBetween(before, serverCpuSoFar(pids)));
  };
  for (let run = 1; run <= RUNS; run++) {
    await watched(ldapsearch, result.ldapsearch, result.serverDuringLdapsearch);
    await watched(roster, result.roster, result.serverDuringRoster);
    const [l, r] = [result.ldapsearch.at(-1)!, result.roster.at(-1)!];
    say(`${directory.label}: run ${run}/${RUNS}: ldapsearch ${seconds(l.wallMs)}, roster ${seconds(r.wallMs)} (${mb(r.peakRssKb)})`);
  }
  return result;
}

async function slapdResults(people: number[]): Promise<Result[]> {
  const results: Result[] = [];
  for (const count of people) {
    const ldifFile = join(work, `slapd-${count}.ldif`);
    const expectedCsv = join(work, `expected-${count}.csv`);
    writePeopleLdif(ldifFile, count);
    writeGeneratedExpectedCsv(expectedCsv, count);
    say(`slapd ${count}: slapadd…`);
    // logLevel 0: no per-operation log lines, so the server does the same work for either client.
    const slapd = await startSlapd({ ldifFiles: [ldifFile], logLevel: '0' });
    say(`slapd ${count}: loaded in ${seconds(slapd.timings.slapaddMs)}, started in ${seconds(slapd.timings.startMs)}`);
    try {
      rmSync(ldifFile);
      results.push(
        await benchmark({
          label: `slapd ${count}`,
          entries: count,
          url: slapd.ldapsUrl,
          caFile: slapd.caFile,
          bindDn: slapd.bindDn,
          bindPassword: slapd.bindPassword,
          base: SEARCH_BASE,
          filter: FILTER,
          fields: { ...FIELD_MAPPING },
          expectedCsv,
          serverPids: () => (slapd.process.pid === undefined ? [] : [slapd.process.pid]),
        }),
      );
    } finally {
      await slapd.stop();
    }
  }
  return results;
}

async function sambaResult(count: number): Promise<Result> {
  const ldifFile = join(work, `samba-${count}.ldif`);
  const expectedCsv = join(work, `expected-ad-${count}.csv`);
  writeAdPeopleLdif(ldifFile, count);
  writeGeneratedExpectedCsv(expectedCsv, count);
  say(`Samba AD ${count}: provisioning and loading (Samba adds users slowly: 1–2 minutes)…`);
  const samba = await startSamba({ extraLdifFiles: [ldifFile] });
  say(`Samba AD ${count}: provisioned in ${seconds(samba.timings.provisionMs)}, loaded in ${seconds(samba.timings.loadMs)}`);
  try {
    return await benchmark({
      label: `Samba AD ${count}`,
      entries: count,
      url: samba.ldapsUrl,
      caFile: samba.caFile,
      bindDn: samba.bindDn,
      bindPassword: samba.bindPassword,
      base: BENCH_OU,
      filter: DEFAULT_FILTER,
      fields: { ...DEFAULT_FIELDS },
      expectedCsv,
      serverPids: () => samba.pids(),
    });
  } finally {
    await samba.stop();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  requireBinaries();
  const results: Result[] = [];
  if (ONLY !== 'samba') results.push(...(await slapdResults([10_000, 100_000])));
  if (ONLY !== 'slapd') results.push(await sambaResult(10_000));
  process.stdout.write(`\n${table(results, { runs: RUNS, pageSize: PAGE_SIZE })}\n`);
}

try {
  await main();
} catch (error) {
  say(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
}
