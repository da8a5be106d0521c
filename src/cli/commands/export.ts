// roster export: a preview. Reads the directory and writes the CSV; contacts no service.
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadConfig } from '../../config/load.js';
import { writeChangesCsv } from '../../ilobby/csv/changesCsv.js';
import { writeCsvFile } from '../../ilobby/csv/csvFile.js';
import { describeExtract, extractRows, extractWarnings } from '../../ilobby/extract.js';
import { changeCounts, changesPerTarget, describeTargetChanges, siteLines } from '../../ilobby/preview.js';
import { defineCommand, runCommand, type GlobalOptions } from '../run.js';

export const exportCommand = defineCommand({
  command: 'export',
  describe: 'Read the directory and write the CSV (a preview: nothing is sent)',
  builder: (yargs: Argv<GlobalOptions>) =>
    yargs
      .option('out', { type: 'string', describe: 'Where to write the CSV (default: csv.path from the config)' })
      .option('diff-out', { type: 'string', describe: 'Also write every row that would be added, changed or disabled (CSV)' })
      .option('report', { type: 'string', describe: 'Also write the run report (JSON) to this file, even when the run fails' })
      .example('$0 export', 'write the CSV named in ./config.json')
      .example('$0 export --config C:\\roster\\config.json --out preview.csv', 'write it somewhere else')
      .example('$0 export --diff-out changes.csv', 'and list who would be added, changed and disabled'),
  handler: (argv) =>
    runCommand('export', argv, async ({ log, report }) => {
      const config = loadConfig(argv.config);
      report.stateDir = config.stateDir;
      const out = argv.out === undefined ? config.csv.path : resolve(argv.out);
      // --verbose also checks the mapping's attribute names against the schema (as "roster check" does).
      const extract = await extractRows(config, log, { checkSchema: argv.verbose === true });
      for (const warning of extractWarnings(extract)) log.warn(warning);
      writeCsvFile(out, extract.rows, { bom: config.csv.bom });
      if (extract.rows.length === 0) log.warn('no rows: the CSV has only its header; sync would refuse to push it');
      Object.assign(report, { csv: out, directory: extract.url, bases: extract.bases, ...extract.summary });
      const { changes, plan } = changesPerTarget(config, extract.rows);
      report.changes = changes.map(changeCounts);
      const sites = siteLines(plan, config.ilobby.length > 0);
      report.sites = Object.fromEntries(plan.siteCounts);
      if (sites.unknown) log.warn(`SITE values sync would refuse to push (exit 4):\n${sites.lines.slice(1).join('\n')}`);
      const diffOut = argv.diffOut === undefined ? undefined : resolve(argv.diffOut);
      if (diffOut !== undefined) {
        writeChangesCsv(diffOut, changes);
        report.diffOut = diffOut;
      }
      const text = [
        describeExtract(extract),
        `CSV: ${out}`,
        ...sites.lines,
        ...changes.map(describeTargetChanges),
        ...(diffOut ? [`changes listed in ${diffOut}`] : []),
      ];
      log.result(text.join('\n'), { command: 'export', csv: out, directory: extract.url, ...extract.summary, bases: extract.bases, changes: report.changes });
    }),
});
