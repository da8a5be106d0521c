// Under which names an entry's values are kept: the names roster asked for, whatever name the
// server answers under. OpenLDAP answers a request for `rfc822Mailbox` with `mail` (a type's
// primary name); 389-ds with the name asked for; both are the same attribute type in the schema.
// Decided once per attribute description and search (entryDecoder.ts keeps the answer per byte
// string), never per value. Pure.
import { baseName, type AttributeTypes } from '../mapping/attributeNames.js';
import { isBinaryAttribute } from './binary.js';

/** Where a returned attribute's values go: one key, or several when two requested names are one type (sn, surname). */
export interface AttributeSlot {
  keys: readonly string[];
  /** Values are bytes with at most a standard text form (binary.ts). */
  binary: boolean;
  /** The name binary.ts knows the values by (objectGUID when asked for by OID), for their text form. */
  binaryName: string;
}

export class AttributeKeys {
  /** The requested names (lower-cased), by the id of their type. */
  private readonly requestedByType = new Map<string, string[]>();

  /**
   * `requested`: the names the search asked for, as fields.config.json spells them. `types`: the
   * schema, when it could be read; without it each attribute is kept under its own lower-cased name.
   */
  constructor(
    requested: readonly string[],
    private readonly types?: AttributeTypes,
  ) {
    for (const name of requested) {
      const key = baseName(name);
      const id = this.typeId(key);
      const keys = this.requestedByType.get(id);
      if (keys === undefined) this.requestedByType.set(id, [key]);
      else if (!keys.includes(key)) keys.push(key);
    }
  }

  /** Where the values of `description` ("mail", "cn;lang-fr", "userCertificate;binary") are kept. */
  slotFor(description: string): AttributeSlot {
    const lower = description.toLowerCase();
    const options = lower.indexOf(';');
    const name = options === -1 ? lower : lower.slice(0, options);
    const suffix = options === -1 ? '' : lower.slice(options);
    const requested = this.requestedByType.get(this.typeId(name));
    const keys = requested === undefined ? [lower] : requested.map((key) => key + suffix);
    const sameType = this.types?.find(name)?.names ?? [];
    const binaryName = [lower, ...keys, ...sameType].find(isBinaryAttribute);
    return { keys, binary: binaryName !== undefined, binaryName: binaryName ?? lower };
  }

  private typeId(name: string): string {
    return this.types?.idOf(name) ?? name;
  }
}

/** Without a schema: every attribute under its own lower-cased name (schema reads, tests). */
export const OWN_NAMES = new AttributeKeys([]);
