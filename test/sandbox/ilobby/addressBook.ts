// The address book's semantics, as the real iLobby service applies an uploaded CSV: upsert by
// EMAIL (case-insensitive), everyone missing from the file is disabled, empty fields do not
// overwrite, SITE must be one of the portal's sites, and a site-scoped API key only creates,
// updates and disables people of its sites. Pure in-memory logic with no HTTP in it: the upload
// endpoint hands it already-parsed CSV rows (header removed) and sends back the result.
import { ILOBBY_HEADER, type AddressBookEntry, type SandboxClient, type SeedEntry, type UploadResult } from './types.js';

/** Key: lower-case email. */
export type AddressBook = Map<string, AddressBookEntry>;

const EMAIL_RE = /^[^@\s,;<>"]+@[^@\s,;<>"]+\.[^@\s,;<>"]+$/;

export function applyRows(book: AddressBook, sites: string[], rows: { line: number; fields: string[] }[], client: SandboxClient): UploadResult {
  const result: UploadResult = { received: 0, created: 0, updated: 0, disabled: 0, errors: [] };
  const scope = client.sites ? new Set(client.sites) : undefined;
  const known = new Set(sites);
  const seenOnLine = new Map<string, number>();
  const imported = new Set<string>();

  for (const { line, fields } of rows) {
    if (fields.length === 1 && fields[0] === '') continue; // blank line
    result.received++;
    const email = fields[4] ?? '';
    const error = (message: string): void => {
      result.errors.push({ line, ...(email === '' ? {} : { email }), message });
    };
    if (fields.length !== ILOBBY_HEADER.length) {
      error(`expected ${ILOBBY_HEADER.length} fields, got ${fields.length}`);
      continue;
    }
    const [firstName, lastName, title, division, , mobile, deskPhone, site] = fields as [string, string, string, string, string, string, string, string];
    if (email === '') {
      error('EMAIL is required');
      continue;
    }
    if (!EMAIL_RE.test(email)) {
      error(`EMAIL "${email}" is not an e-mail address`);
      continue;
    }
    const key = email.toLowerCase();
    const firstLine = seenOnLine.get(key);
    if (firstLine !== undefined) {
      error(`EMAIL ${email} already appears on line ${firstLine}`);
      continue;
    }
    seenOnLine.set(key, line);
    if (site !== '' && !known.has(site)) {
      error(`unknown SITE "${site}" (the portal's sites: ${sites.join(', ')})`);
      continue;
    }
    const existing = book.get(key);
    const effectiveSite = site !== '' ? site : (existing?.site ?? '');
    if (scope && !scope.has(effectiveSite)) {
      error(
        effectiveSite === ''
          ? `SITE is required: this API key only covers ${[...scope].join(', ')}`
          : `SITE "${effectiveSite}" is not covered by this API key (${[...scope].join(', ')})`,
      );
      continue;
    }

    const incoming = { email, firstName, lastName, title, division, mobile, deskPhone, site };
    if (!existing) {
      book.set(key, { ...incoming, enabled: true });
      result.created++;
    } else {
      const next: AddressBookEntry = { ...existing, enabled: true };
      for (const [k, v] of Object.entries(incoming) as [keyof typeof incoming, string][]) {
        if (v !== '') next[k] = v; // empty fields never overwrite
      }
      const changed = (Object.keys(next) as (keyof AddressBookEntry)[]).some((k) => next[k] !== existing[k]);
      book.set(key, next);
      if (changed) result.updated++;
    }
    imported.add(key);
  }

  // Everyone (of this key's sites) not imported from this file is disabled.
  for (const [key, entry] of book) {
    if (imported.has(key) || !entry.enabled) continue;
    if (scope && !scope.has(entry.site)) continue;
    entry.enabled = false;
    result.disabled++;
  }
  return result;
}

/** Copies of the entries, sorted by e-mail address (case-insensitive). */
export function listAddressBook(book: AddressBook): AddressBookEntry[] {
  return [...book.values()]
    .map((e) => ({ ...e }))
    .sort((a, b) => (a.email.toLowerCase() < b.email.toLowerCase() ? -1 : a.email.toLowerCase() > b.email.toLowerCase() ? 1 : 0));
}

export function seedAddressBook(book: AddressBook, entries: SeedEntry[]): void {
  for (const e of entries) {
    book.set(e.email.toLowerCase(), {
      email: e.email,
      firstName: e.firstName ?? '',
      lastName: e.lastName ?? '',
      title: e.title ?? '',
      division: e.division ?? '',
      mobile: e.mobile ?? '',
      deskPhone: e.deskPhone ?? '',
      site: e.site ?? '',
      enabled: e.enabled ?? true,
    });
  }
}
