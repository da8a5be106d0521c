// Output a tired administrator can read: help text wrapped between words at any width, the nearest
// command for a typo, `roster init` offered when there is no config.json, config keys named as
// they are written in config.json.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runRoster, workspace } from '../harness/cli.js';
import { startSandbox } from '../harness/syncSetup.js';
import { DEFAULT_CLIENT_ID } from '../sandbox/ilobby.js';

const COMMANDS = ['export', 'sync', 'upload', 'check', 'init', 'schedule'];

/** `roster <command> --help` as a terminal `columns` wide shows it (stdout.columns set before roster starts). */
function helpAt(command: string, columns: number, preload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', preload, CLI, command, '--help'], { env: { ...process.env, ROSTER_TEST_COLUMNS: String(columns) } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

const examplesOf = (help: string) => help.slice(help.indexOf('Examples:'));
const words = (text: string) => new Set(text.split(/\s+/).filter((w) => w !== ''));

describe('output a tired admin can read', () => {
  it('help examples are wrapped between words at every width', async () => {
    const preload = join(workspace({}), 'columns.cjs');
    writeFileSync(preload, "Object.defineProperty(process.stdout, 'columns', { value: Number(process.env.ROSTER_TEST_COLUMNS) });\n");
    for (const command of COMMANDS) {
      const widest = await helpAt(command, 110, preload);
      const reference = words(examplesOf(widest));
      for (const columns of [30, 60, 80, 100]) {
        const narrow = examplesOf(await helpAt(command, columns, preload));
        const broken = [...words(narrow)].filter((word) => !reference.has(word));
        expect(broken, `${command} --help at ${columns} columns:\n${narrow}`).to.deep.equal([]);
      }
    }
    expect(examplesOf(await helpAt('init', 100, preload))).to.match(/for\s+Active Directory/);
  });

  it('an unknown command names the nearest one', async () => {
    const run = await runRoster(['exprot']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('error: unknown command "exprot". Did you mean export?');
  });

  it('a missing config.json suggests roster init', async () => {
    const run = await runRoster(['export'], { cwd: workspace({}) });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/config file .*config\.json does not exist/);
    expect(run.stderr).to.include('"roster init" writes a starter config.json');
  });

  it('a certificate the service presents that is not trusted: the hint names ilobby.caFile, or ilobby[1].caFile', async () => {
    const service = await startSandbox();
    try {
      const target = { tokenUrl: service.tokenUrl, uploadUrl: service.uploadUrl, clientId: DEFAULT_CLIENT_ID, clientSecretEnv: 'ROSTER_TEST_SECRET' };
      for (const [ilobby, key] of [
        [target, 'ilobby.caFile'],
        [
          [
            { ...target, name: 'a', caFile: service.caFile },
            { ...target, name: 'b' },
          ],
          'ilobby[1].caFile',
        ],
      ] as const) {
        const dir = workspace({ 'config.json': { ilobby } });
        const run = await runRoster(['check', '--config', join(dir, 'config.json')], { env: { ROSTER_TEST_SECRET: 'x' } });
        expect(run.code, run.all).not.to.equal(0);
        expect(run.stdout).to.include(`set ${key} to that CA's PEM file`);
      }
    } finally {
      await service.stop();
    }
  });
});
