// `roster check` for one domain controller: DNS, TCP, TLS, bind, then one search per search base
// with the export's own filter, attributes and mapping, counting the rows the export would write.
import { InvalidCredentialsError } from 'ldapts';
import type { DirectoryConfig, RosterConfig } from '../config/types.js';
import { isLoopback } from '../config/parse.js';
import { connectDirectory, type DirectoryConnection } from '../directory/connect.js';
import { connectFailure } from '../directory/failures.js';
import type { KerberosBinding } from '../directory/kerberos/bind.js';
import { kerberosPlan } from '../directory/kerberos/plan.js';
import { describeLeftOut, type LeftOut } from '../directory/leftOut.js';
import { overlappingBases, preparePeopleSearch, searchPeople, type PeopleSearch } from '../directory/people.js';
import { ConfigError, DirectoryError, errnoText, RosterError } from '../platform/errors.js';
import { formatCsv } from '../ilobby/csv/csvFile.js';
import type { Logger } from '../platform/log/logger.js';
import { inline } from '../platform/log/printable.js';
import type { Row } from '../mapping/mapRecord.js';
import { RowCollector, type RowSummary } from '../rowstore/collector.js';
import type { SearchPlan } from '../ilobby/extract.js';
import { describeCertificate, RENEW_WARNING_DAYS, validityOf } from './certificate.js';
import { connectTcp, endpointOf, peekCertificate, probeTls, resolveHost, type Endpoint } from './probe.js';
import { checkFill, checkSchema, checkSites } from './mapping.js';
import type { CheckLog } from './steps.js';

const SAMPLE_ROWS = 5;

export interface DirectoryCheck {
  directory: DirectoryConfig;
  /** For the SITE values: the iLobby targets and their last pushes. */
  config: RosterConfig;
  /** Undefined when the mapping or filter is wrong: then nothing is searched. */
  plan: SearchPlan | undefined;
  checks: CheckLog;
  log: Logger;
  /** Set once a DC refuses the bind: the same credentials are not tried on the next one. */
  bindRefusedBy?: string;
}

export async function checkDomainController(url: string, context: DirectoryCheck): Promise<void> {
  const { directory, checks } = context;
  checks.section(url);
  const endpoint = endpointOf(url);
  if (!(await checkNetwork(endpoint, context))) return;

  if (context.bindRefusedBy !== undefined) {
    checks.skip('bind', url, `not tried: ${context.bindRefusedBy} refused the same credentials, and every refused bind counts toward the account's lockout`);
    return;
  }
  if (directory.kerberos !== undefined) {
    // What the bind will use, shown before it is tried: a failed bind then reads against it.
    const plan = kerberosPlan(url, directory.kerberos);
    checks.pass('kerberos', url, `${plan.mechanism} to service principal ${plan.spn}; credentials from the ${plan.source.text}`, {
      mechanism: plan.mechanism,
      spn: plan.spn,
      credentials: plan.source.kind,
    });
  }
  let connection: DirectoryConnection;
  try {
    connection = await connectDirectory({ ...directory, urls: [url] }, context.log);
  } catch (error) {
    if (error instanceof DirectoryError && error.cause instanceof InvalidCredentialsError) context.bindRefusedBy = url;
    checks.fail('bind', url, error);
    return;
  }
  // The server found goes on a line of its own, under the bind that let roster read its root DSE.
  const server = `server: ${connection.server.name} (from its root DSE)`;
  if (connection.kerberos !== undefined) {
    const details = { principal: connection.kerberos.principal, bindMs: connection.kerberos.ms, server: connection.server.kind };
    checks.pass('bind', url, `${kerberosBindText(connection.kerberos)}\n${server}`, details);
  } else {
    const who = directory.bindDn === undefined ? 'anonymous (config.json names no bindDn)' : `as ${directory.bindDn}`;
    checks.pass('bind', url, `${who}\n${server}`, { server: connection.server.kind });
  }
  try {
    await checkSearches(connection, context);
  } finally {
    await connection.close();
  }
}

function kerberosBindText(binding: KerberosBinding): string {
  const who = binding.principal ?? "the process's own identity (the system did not name the principal)";
  return `Kerberos (${binding.mechanism}) as ${who} in ${binding.ms} ms, through ${binding.library}`;
}

/** DNS, TCP and TLS; false when one failed (the rest of this DC's steps are then pointless). */
async function checkNetwork(endpoint: Endpoint, { directory, checks }: DirectoryCheck): Promise<boolean> {
  const { url, host } = endpoint;
  try {
    const addresses = await resolveHost(host);
    checks.pass('DNS', url, addresses === undefined ? `${host} is an IP address: nothing to look up` : `${host} → ${addresses.join(', ')}`);
  } catch (error) {
    const code = errnoText(error);
    checks.fail(
      'DNS',
      url,
      new DirectoryError(`cannot resolve ${host}, the host name in ${url} (${code})`, {
        hint: `Check the name in directory.url and this server's DNS settings (e.g. nslookup ${host}).`,
      }),
    );
    return false;
  }
  try {
    const { address, ms } = await connectTcp(endpoint);
    checks.pass('TCP', url, `connected to ${address} in ${ms} ms`);
  } catch (error) {
    checks.fail('TCP', url, connectFailure(url, error, directory.caFile));
    return false;
  }
  if (!endpoint.ldaps && !directory.startTls) {
    if (isLoopback(host)) checks.pass('TLS', url, 'none: plain ldap:// to a server on this machine (loopback)');
    else
      checks.warn(
        'TLS',
        url,
        'none: plain ldap:// with allowInsecure, so the bind password crosses the network in clear text',
        'Use ldaps://, or set "startTls": true, and remove "allowInsecure".',
      );
    return true;
  }
  const now = new Date();
  try {
    const session = await probeTls(endpoint, directory.caFile);
    const how = `${session.protocol}${endpoint.ldaps ? '' : ' (StartTLS)'}, ${session.cipher}`;
    const certificate = session.certificate;
    if (certificate === undefined) {
      checks.pass('TLS', url, `${how}; the server's certificate could not be read`);
      return true;
    }
    const text = `${how}; ${describeCertificate(certificate, now)}`;
    const { daysLeft } = validityOf(certificate, now);
    const details = {
      protocol: session.protocol,
      cipher: session.cipher,
      subject: certificate.subject,
      issuer: certificate.issuer,
      validTo: certificate.validTo.toISOString(),
      daysLeft,
    };
    if (daysLeft < RENEW_WARNING_DAYS)
      checks.warn('TLS', url, text, `The certificate expires in less than ${RENEW_WARNING_DAYS} days: renew it on the domain controller before then.`, details);
    else checks.pass('TLS', url, text, details);
    return true;
  } catch (error) {
    if (error instanceof RosterError) {
      checks.fail('TLS', url, error); // e.g. a caFile that cannot be read: the config's problem, exit 2
      return false;
    }
    const certificate = await peekCertificate(endpoint, directory.caFile);
    const presented =
      certificate === undefined
        ? undefined
        : `the server presented: ${describeCertificate(certificate, now)}${certificate.altNames ? ` (names: ${certificate.altNames})` : ''}`;
    checks.fail('TLS', url, connectFailure(url, error, directory.caFile), presented);
    return false;
  }
}

/** One search per base, as the export searches, and the rows all of them together would give. */
async function checkSearches(connection: DirectoryConnection, { config, plan, checks, log }: DirectoryCheck): Promise<void> {
  const url = connection.url;
  if (plan === undefined) {
    checks.skip('search', url, 'not run: the field mapping or the filter has errors (see above)');
    return;
  }
  // Prepared first: which account-state rules apply depends on the schema, and the schema step says so.
  let search: PeopleSearch | undefined;
  let failure: unknown;
  try {
    search = await preparePeopleSearch(connection, plan.query, log);
  } catch (error) {
    failure = error;
  }
  if (!(await checkSchema(connection, plan, checks, search === undefined ? undefined : `account state: ${search.state.description}`))) {
    checks.skip('search', url, "not run: directory.filter names attributes the directory's schema does not define (see above)");
    return;
  }
  if (search === undefined) {
    checks.fail(failure instanceof ConfigError ? 'state' : 'search', url, failure);
    return;
  }
  const all = new RowCollector(plan.mapping);
  let complete = true;
  const overlaps = overlappingBases(search.request.searchBases);
  for (const [index, base] of search.request.searchBases.entries()) {
    const insideOf = overlaps[index];
    if (insideOf !== undefined) {
      checks.warn(
        'search',
        url,
        `${base}: inside ${insideOf}, so its entries are read once, with it`,
        'Remove it from directory.searchBases: searching it too adds nothing.',
      );
      continue;
    }
    const collector = new RowCollector(plan.mapping);
    try {
      const { bases, leftOut } = await searchPeople(
        connection,
        { ...search, request: { ...search.request, searchBases: [base] } },
        (record) => {
          collector.add(record);
          all.add(record);
        },
        log,
      );
      const { rows, summary } = collector.finish();
      const text = `${base}: ${summary.entriesFound} entries, ${rows.length} rows${skippedText(summary)}${leftOutText(leftOut)}, ${bases[0]?.pages ?? 0} page(s)`;
      const details = { base, entries: summary.entriesFound, rows: rows.length, skipped: summary.skipped, leftOut };
      if (rows.length === 0) {
        checks.warn(
          'search',
          url,
          text,
          'This search base gives no rows: check directory.searchBases and directory.filter, and that the bind account may read the OU.',
          details,
        );
      } else {
        // Each value made printable: a line break inside one must not start a line of the output.
        const printableRows = rows
          .first(SAMPLE_ROWS)
          .map((row) => Object.fromEntries(Object.entries(row).map(([column, value]) => [column, inline(value)])) as Row);
        const sample = formatCsv(printableRows, { bom: false }).trimEnd();
        checks.pass('search', url, `${text}; the first ${Math.min(SAMPLE_ROWS, rows.length)} as the CSV would have them:\n${sample}`, details);
      }
    } catch (error) {
      complete = false;
      checks.fail('search', url, error);
    }
  }
  if (!complete) return;
  const { rows, summary } = all.finish();
  if (summary.rowsWritten === 0) {
    checks.warn('rows', url, 'the export would write no rows', 'sync refuses to push an empty roster: check directory.searchBases and directory.filter.');
  } else {
    const fill = checkFill(plan, summary);
    checks.pass('rows', url, `the export would write ${summary.rowsWritten} rows from ${summary.entriesFound} entries${skippedText(summary)}\n${fill.table}`, {
      rows: summary.rowsWritten,
      filled: summary.filled,
    });
    fill.warn(url, checks);
    checkSites(config, rows, url, checks);
  }
}

/** ", left out: 3 locked (nsAccountLock)" */
function leftOutText(leftOut: readonly LeftOut[]): string {
  const parts = describeLeftOut(leftOut.filter((each) => each.count !== 0)).map((line) => line.replace(/^left out, /, '').replace(/, e\.g\. .*$/, ''));
  return parts.length === 0 ? '' : `; left out: ${parts.join(', ')}`;
}

function skippedText(summary: RowSummary): string {
  const labels: [keyof RowSummary['skipped'], string][] = [
    ['noEmail', 'no email'],
    ['invalidEmail', 'invalid email'],
    ['duplicateEmail', 'duplicate email'],
    ['notAllowed', 'value not allowed'],
  ];
  const parts = labels.filter(([reason]) => summary.skipped[reason] > 0).map(([reason, label]) => `${summary.skipped[reason]} ${label}`);
  return parts.length === 0 ? '' : ` (skipped: ${parts.join(', ')})`;
}
