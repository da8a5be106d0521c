// roster export: a preview. Reads the directory and writes the CSV; contacts no service.
import { resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadConfig } from '../config/load.js';
import { writeCsvFile } from '../file/csv.js';
import { describeExtract, extractRows } from '../pipeline/extract.js';
import { describeChanges } from '../pipeline/preview.js';
import { runCommand, type GlobalOptions } from './run.js';

interface ExportOptions extends GlobalOptions {
  out: string | undefined;
}

export const exportCommand: CommandModule<GlobalOptions, ExportOptions> = {
  command: 'export',
  describe: 'Read the directory and write the CSV (a preview: nothing is sent)',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('out', { type: 'string', describe: 'Where to write the CSV (default: csv.path from the config)' })
      .example('$0 export', 'write the CSV named in ./config.json')
      .example('$0 export --config C:\\roster\\config.json --out preview.csv', 'write it somewhere else') as Argv<ExportOptions>,
  handler: (argv: ArgumentsCamelCase<ExportOptions>) =>
    runCommand('export', argv, async ({ log, report }) => {
      const config = loadConfig(argv.config);
      report.stateDir = config.stateDir;
      const out = argv.out === undefined ? config.csv.path : resolve(argv.out);
      const extract = await extractRows(config, log);
      writeCsvFile(out, extract.rows, { bom: config.csv.bom });
      if (extract.rows.length === 0) log.warn('no rows: the CSV has only its header; sync would refuse to push it');
      Object.assign(report, { csv: out, directory: extract.url, bases: extract.bases, ...extract.summary });
      const changes = describeChanges(config, extract.rows);
      log.result(`${describeExtract(extract)}\nCSV: ${out}\n${changes.join('\n')}`, { command: 'export', csv: out, directory: extract.url, ...extract.summary, bases: extract.bases });
    }),
};
