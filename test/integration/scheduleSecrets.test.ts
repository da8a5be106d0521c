// The jobs `roster schedule` writes run a real sync (Samba → iLobby sandbox) when the bind password
// and the client secret hold every character a shell, systemd or cmd would trip over. Each job is
// run as its scheduler would run it: cron's line by sh, systemd's ExecStart with the credentials
// LoadCredential= hands over, the Task Scheduler action with Windows' command-line rules.
import { expect } from 'chai';
import { cmdArgument } from '../../src/platform/commandLine.js';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Attribute, Client } from 'ldapts';
import { STAFF_DN, USERS_DN } from '../harness/ad-fixture.js';
import { runRoster, workspace } from '../harness/cli.js';
import { useSamba } from '../harness/sambaSuite.js';
import { expectedCsv, startSandbox } from '../harness/syncSetup.js';
import { child, parseXml } from '../harness/xml.js';
import { DEFAULT_CLIENT_ID, type IlobbySandbox } from '../sandbox/ilobby.js';
import { lastPushFile } from '../../src/ilobby/state.js';

const AWKWARD_SECRET = 'S3"c $\'x y';
const ACCOUNT = { cn: 'svc-quoted', upn: 'svc-quoted@corp.example.com' };

/** The environment a scheduler gives a job: no secret variables, nothing of this shell's roster settings. */
const bareEnvironment = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ROSTER_') && name !== 'CREDENTIALS_DIRECTORY'));

/** Runs a job's command without blocking this process: the iLobby sandbox answers from it. */
function runJob(program: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const job = spawn(program, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    job.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => job.kill('SIGKILL'), 90_000);
    job.on('error', reject);
    job.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

/** systemd's ExecStart word splitting: "…" with \\ and \" escapes; $$ and %% stand for $ and %. */
function systemdWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    const word = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!;
    words.push(word.replace(/\$\$/g, '$').replace(/%%/g, '%'));
  }
  return words;
}

/** How the Microsoft C runtime splits a command line (CommandLineToArgvW): quotes, and backslashes before them. */
function windowsWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quoted = false;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      let n = 0;
      while (line[i] === '\\') {
        n++;
        i++;
      }
      if (line[i] === '"') {
        word += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) word += '"';
        else {
          quoted = !quoted;
        }
      } else {
        word += '\\'.repeat(n);
        i--;
      }
      inWord = true;
    } else if (c === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (/\s/.test(c) && !quoted) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

describe('scheduled jobs with secrets that hold " $ \' and spaces', function () {
  const ad = useSamba();
  let service: IlobbySandbox;
  let dir: string;
  let config: string;

  before(async function () {
    // An account whose password holds every awkward character, made by the domain administrator.
    const admin = new Client({ url: ad().ldapsUrl, tlsOptions: { ca: readFileSync(ad().caFile) } });
    await admin.bind(ad().adminDn, ad().adminPassword);
    try {
      const dn = `CN=${ACCOUNT.cn},${USERS_DN}`;
      await admin.del(dn).catch(() => undefined);
      await admin.add(dn, [
        new Attribute({ type: 'objectClass', values: ['user'] }),
        new Attribute({ type: 'sAMAccountName', values: [ACCOUNT.cn] }),
        new Attribute({ type: 'userPrincipalName', values: [ACCOUNT.upn] }),
        // AD takes a password as the quoted text in UTF-16LE, and only over TLS.
        new Attribute({ type: 'unicodePwd', values: [Buffer.from(`"${AWKWARD_SECRET}"`, 'utf16le')] }),
        new Attribute({ type: 'userAccountControl', values: ['512'] }),
      ]);
    } finally {
      await admin.unbind();
    }
    service = await startSandbox({ clients: [{ clientId: DEFAULT_CLIENT_ID, clientSecret: AWKWARD_SECRET }] });
    dir = join(workspace({}), 'R&D roster');
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        directory: { url: ad().ldapsUrl, caFile: ad().caFile, bindDn: ACCOUNT.upn, bindPasswordEnv: 'ROSTER_BIND_PASSWORD', searchBases: [STAFF_DN] },
        ilobby: {
          tokenUrl: service.tokenUrl,
          uploadUrl: service.uploadUrl,
          clientId: DEFAULT_CLIENT_ID,
          clientSecretEnv: 'ROSTER_CLIENT_SECRET',
          caFile: service.caFile,
        },
      }),
    );
    for (const name of ['ROSTER_BIND_PASSWORD', 'ROSTER_CLIENT_SECRET']) {
      writeFileSync(join(dir, 'secrets', name), `${AWKWARD_SECRET}\n`);
      chmodSync(join(dir, 'secrets', name), 0o600);
    }
    // The operator's first push, made by hand: the scheduled jobs push against it.
    const baseline = join(dir, 'baseline.csv');
    writeFileSync(baseline, expectedCsv);
    mkdirSync(dirname(lastPushFile(join(dir, 'state'), 'ilobby')), { recursive: true });
    copyFileSync(baseline, lastPushFile(join(dir, 'state'), 'ilobby'));
  });
  after(async () => service?.stop());

  const expectPushed = (code: number | null, output: string, uploadsBefore: number) => {
    expect(code, output).to.equal(0);
    expect(service.uploads.length).to.equal(uploadsBefore + 1);
    const log = readFileSync(join(dir, 'roster.log'), 'utf8');
    expect(log).to.match(/uploaded \d+ rows/);
    expect(log).not.to.include(AWKWARD_SECRET);
  };

  it('cron: the crontab line, run by sh from another folder', async () => {
    const run = await runRoster(['schedule', '--cron', '--config', config]);
    expect(run.code, run.all).to.equal(0);
    const line = run.stdout.trimEnd().split('\n')[1]!;
    const command = line.split(' ').slice(5).join(' ').replace(/\\%/g, '%');
    const before = service.uploads.length;
    const cron = await runJob('sh', ['-c', command], { cwd: '/', env: bareEnvironment() });
    expectPushed(cron.status, cron.stderr, before);
  });

  it('systemd: ExecStart with the secrets LoadCredential= hands over in $CREDENTIALS_DIRECTORY', async () => {
    const run = await runRoster(['schedule', '--systemd', '--config', config, '--out-dir', join(dir, 'units')]);
    expect(run.code, run.all).to.equal(0);
    const service_ = readFileSync(join(dir, 'units', 'roster-sync.service'), 'utf8');
    const value = (key: string) => [...service_.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!);
    expect(service_).not.to.include('EnvironmentFile');
    // What systemd does before ExecStart: copy each credential into a private folder, named by its id.
    const credentials = mkdtempSync(join(tmpdir(), 'roster-credentials-'));
    const loaded = value('LoadCredential').map((spec) => {
      const [id, ...path] = spec.split(':');
      copyFileSync(path.join(':').replace(/%%/g, '%'), join(credentials, id!));
      return id;
    });
    expect(loaded).to.deep.equal(['ROSTER_BIND_PASSWORD', 'ROSTER_CLIENT_SECRET']);
    const [program, ...args] = systemdWords(value('ExecStart')[0]!);
    const before = service.uploads.length;
    const job = await runJob(program!, args, {
      cwd: value('WorkingDirectory')[0]!.replace(/%%/g, '%'),
      env: { ...bareEnvironment(), CREDENTIALS_DIRECTORY: credentials },
    });
    expectPushed(job.status, job.stderr, before);
  });

  it("Task Scheduler: the action's command and arguments as Windows splits them", async () => {
    const run = await runRoster(['schedule', '--windows', '--config', config, '--user', 'CORP\\svc-roster']);
    expect(run.code, run.all).to.equal(0);
    const task = parseXml(run.stdout);
    const [program] = windowsWords(child(task, 'Actions/Exec/Command').text);
    const args = windowsWords(child(task, 'Actions/Exec/Arguments').text);
    expect(args).to.include('--secrets-dir');
    expect(run.stderr).to.include(`icacls ${cmdArgument(join(dir, 'secrets'))} /inheritance:r /grant:r "CORP\\svc-roster:(OI)(CI)R"`);
    const before = service.uploads.length;
    const job = await runJob(program!, args, { cwd: child(task, 'Actions/Exec/WorkingDirectory').text, env: bareEnvironment() });
    expectPushed(job.status, job.stderr, before);
  });
});
