// schema/config.schema.json and schema/fields.schema.json must describe exactly the keys the
// parsers accept, or editors would flag valid files (or complete keys roster then rejects).
// The parsers' key sets are observed, not listed here: every object handed to the parser is a
// Proxy that records each key the parser looks up, present or not.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/parse.js';
import type { Json } from '../../src/config/reader.js';
import { ConfigError } from '../../src/platform/errors.js';
import { parseFieldMapping } from '../../src/mapping/fields.js';
import { packageRoot } from '../../src/platform/paths.js';
import { validate } from '../harness/jsonSchema.js';

type JsonObject = Record<string, unknown>;
const loadSchema = (name: string) => JSON.parse(readFileSync(join(packageRoot, 'schema', name), 'utf8')) as JsonObject;
const configSchema = loadSchema('config.schema.json');
const fieldsSchema = loadSchema('fields.schema.json');
const definitions = (schema: JsonObject) => schema.definitions as Record<string, JsonObject>;
const propertiesOf = (node: JsonObject) => node.properties as Record<string, JsonObject>;

/** Each object of the config as the parser sees it (a path), and the schema node describing it. */
const CONFIG_OBJECTS: Record<string, JsonObject> = {
  '': configSchema,
  directory: definitions(configSchema).directory!,
  'directory.kerberos': definitions(configSchema).kerberos!,
  csv: propertiesOf(configSchema).csv!,
  safety: propertiesOf(configSchema).safety!,
  ilobby: definitions(configSchema).ilobbyTarget!,
};
const FIELDS_OBJECTS: Record<string, JsonObject> = { '': fieldsSchema, EMAIL: definitions(fieldsSchema).rule! };

function minimalConfig(): JsonObject {
  return {
    directory: {
      url: 'ldaps://dc1.corp.example.com',
      bindDn: 'svc@corp.example.com',
      bindPasswordEnv: 'ROSTER_BIND_PASSWORD',
      searchBases: ['OU=Staff,DC=corp,DC=example,DC=com'],
    },
    csv: {},
    safety: {},
    ilobby: {
      tokenUrl: 'https://ilobby.example/auth/connect/token',
      uploadUrl: 'https://ilobby.example/addressbook/uploadcsv',
      clientId: 'id',
      clientSecretEnv: 'ROSTER_CLIENT_SECRET',
    },
  };
}
/** The minimal config with a Kerberos bind: no bind DN, no password. */
function kerberosConfig(): JsonObject {
  const config = minimalConfig();
  config.directory = { url: 'ldaps://dc1.corp.example.com', auth: 'kerberos', kerberos: {}, searchBases: ['OU=Staff,DC=corp,DC=example,DC=com'] };
  return config;
}
/** The minimal document whose `path` object exists: the Kerberos one for directory.kerberos and its key. */
const baseFor = (path: string, key = ''): JsonObject =>
  path.startsWith('directory.kerberos') || (path === 'directory' && key === 'kerberos') ? kerberosConfig() : minimalConfig();
const minimalFields = (): JsonObject => ({ EMAIL: { attribute: 'mail' } });

function configProblems(json: unknown): string[] {
  try {
    parseConfig(json as Json, '/etc/roster/config.json', '/etc/roster');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
function fieldsProblems(json: unknown): string[] {
  try {
    parseFieldMapping(json as Json, '/etc/roster/fields.config.json');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/** `json` with every object wrapped so that the keys looked up in it are recorded under its path. */
function probed(json: unknown, path: string, seen: Map<string, Set<string>>): unknown {
  if (Array.isArray(json)) return json.map((item) => probed(item, path, seen));
  if (typeof json !== 'object' || json === null) return json;
  const keys = seen.get(path) ?? new Set<string>();
  seen.set(path, keys);
  const inner = Object.fromEntries(Object.entries(json).map(([key, value]) => [key, probed(value, path ? `${path}.${key}` : key, seen)]));
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (typeof key === 'string') keys.add(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
    getOwnPropertyDescriptor(target, key) {
      if (typeof key === 'string') keys.add(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
}

/** A value the schema itself offers for a property (its first example, or its default). */
function sampleValue(property: JsonObject, name: string): unknown {
  if (name === '$comment') return 'a comment';
  if (name === '$schema') return 'file:///opt/roster/schema/x.schema.json';
  if (Array.isArray(property.examples)) return property.examples[0];
  if (property.default !== undefined) return property.default;
  throw new Error(`the schema gives no example or default for "${name}": add one (editors offer it as a completion)`);
}

function withKey(document: JsonObject, path: string, key: string, value: unknown): JsonObject {
  const copy = structuredClone(document);
  const target = path === '' ? copy : path.split('.').reduce((object, part) => object[part] as JsonObject, copy);
  target[key] = value;
  return copy;
}

describe('JSON Schemas agree with the parsers', () => {
  it('config.schema.json lists exactly the keys parseConfig reads, in every object', () => {
    const seen = new Map<string, Set<string>>();
    for (const document of [minimalConfig(), kerberosConfig()]) {
      document.$schema = 'file:///opt/roster/schema/config.schema.json';
      for (const path of Object.keys(CONFIG_OBJECTS)) {
        const object = path
          .split('.')
          .reduce<JsonObject | undefined>((parent, part) => (part === '' ? parent : (parent?.[part] as JsonObject | undefined)), document);
        if (object !== undefined) object.$comment = `comment in ${path || 'top'}`;
      }
      expect(configProblems(probed(document, '', seen))).to.deep.equal([]);
    }
    for (const [path, node] of Object.entries(CONFIG_OBJECTS)) {
      expect([...(seen.get(path) ?? [])].sort(), `keys of ${path || 'the top level'}`).to.deep.equal(Object.keys(propertiesOf(node)).sort());
    }
  });

  it('fields.schema.json lists exactly the columns and rule keys parseFieldMapping reads', () => {
    const seen = new Map<string, Set<string>>();
    const document = { $schema: 'file:///opt/roster/schema/fields.schema.json', $comment: 'top', EMAIL: { attribute: 'mail', $comment: ['two', 'lines'] } };
    expect(fieldsProblems(probed(document, '', seen))).to.deep.equal([]);
    for (const [path, node] of Object.entries(FIELDS_OBJECTS)) {
      expect([...(seen.get(path) ?? [])].sort(), `keys of ${path || 'the top level'}`).to.deep.equal(Object.keys(propertiesOf(node)).sort());
    }
  });

  it("every property of config.schema.json, with the schema's own example value, is accepted by both", () => {
    expect(validate(configSchema, minimalConfig())).to.deep.equal([]);
    for (const [path, node] of Object.entries(CONFIG_OBJECTS)) {
      for (const [key, property] of Object.entries(propertiesOf(node))) {
        const minimal = baseFor(path, key);
        // The sections themselves (directory, csv, …) are in the minimal document already.
        const document = Object.hasOwn(minimal, key) && path === '' ? minimal : withKey(minimal, path, key, sampleValue(property, key));
        const where = path ? `${path}.${key}` : key;
        expect(
          configProblems(document).filter((p) => p.startsWith(`${where}:`)),
          where,
        ).to.deep.equal([]);
        expect(
          validate(configSchema, document).filter((p) => p.startsWith(`$.${where}:`)),
          where,
        ).to.deep.equal([]);
      }
    }
  });

  it("every property of fields.schema.json, with the schema's own example value, is accepted by both", () => {
    for (const [path, node] of Object.entries(FIELDS_OBJECTS)) {
      for (const [key, property] of Object.entries(propertiesOf(node))) {
        const document = withKey(minimalFields(), path, key, sampleValue(property, key));
        // phone goes with country; attribute, attributes and value exclude each other.
        if (path === 'EMAIL' && (key === 'phone' || key === 'country')) Object.assign(document.EMAIL as JsonObject, { phone: 'e164', country: 'CA' });
        if (path === 'EMAIL' && (key === 'attributes' || key === 'value')) delete (document.EMAIL as JsonObject).attribute;
        const where = path ? `${path}.${key}` : key;
        expect(
          fieldsProblems(document).filter((p) => p.startsWith(`${where}:`)),
          where,
        ).to.deep.equal([]);
        expect(validate(fieldsSchema, document), where).to.deep.equal([]);
      }
    }
  });

  it('an unknown key is rejected by the parser and by the schema, in every object', () => {
    for (const path of Object.keys(CONFIG_OBJECTS)) {
      const document = withKey(baseFor(path), path, 'unknownKey', 1);
      const where = path ? `${path}.unknownKey` : 'unknownKey';
      expect(configProblems(document), where).to.include(`${where}: unknown key (check its spelling and case)`);
      expect(validate(configSchema, document), where).not.to.deep.equal([]);
    }
    const listed = { ...minimalConfig(), ilobby: [{ ...(minimalConfig().ilobby as JsonObject), unknownKey: 1 }] };
    expect(configProblems(listed)).to.include('ilobby[0].unknownKey: unknown key (check its spelling and case)');
    expect(validate(configSchema, listed)).not.to.deep.equal([]);
    for (const path of Object.keys(FIELDS_OBJECTS)) {
      const document = withKey(minimalFields(), path, 'unknownKey', 'x');
      expect(fieldsProblems(document), path).to.have.length(1);
      expect(validate(fieldsSchema, document), path).not.to.deep.equal([]);
    }
  });

  it('a "$comment" that is not text is rejected by both', () => {
    const config = withKey(minimalConfig(), 'directory', '$comment', 5);
    expect(configProblems(config)).to.include('directory.$comment: must be a string or a list of strings (a comment), found number 5');
    expect(validate(configSchema, config)).not.to.deep.equal([]);
    const fields = { ...minimalFields(), $comment: { not: 'text' } };
    expect(fieldsProblems(fields)).to.include('$comment: must be a string or a list of strings (a comment), found an object');
    expect(validate(fieldsSchema, fields)).not.to.deep.equal([]);
  });

  it("the schemas' examples are valid for the schemas and the parsers", () => {
    for (const example of configSchema.examples as JsonObject[]) {
      expect(validate(configSchema, example)).to.deep.equal([]);
      expect(configProblems(example)).to.deep.equal([]);
    }
    for (const example of fieldsSchema.examples as JsonObject[]) {
      expect(validate(fieldsSchema, example)).to.deep.equal([]);
      expect(fieldsProblems(example)).to.deep.equal([]);
    }
  });

  it('a few rules both enforce: exactly one of tokenUrl or issuer; one bind password source; EMAIL required', () => {
    const both = withKey(minimalConfig(), 'ilobby', 'issuer', 'https://ilobby.example/auth');
    expect(configProblems(both)).to.include('ilobby.tokenUrl: set exactly one of tokenUrl or issuer');
    expect(validate(configSchema, both)).not.to.deep.equal([]);
    const twoSecrets = withKey(minimalConfig(), 'directory', 'bindPasswordFile', 'bind.txt');
    expect(configProblems(twoSecrets)).to.include('directory.bindPasswordEnv: use either bindPasswordEnv or bindPasswordFile, not both');
    expect(validate(configSchema, twoSecrets)).not.to.deep.equal([]);
    expect(fieldsProblems({ FIRSTNAME: 'givenName' })).to.include('EMAIL: is required: iLobby matches people by EMAIL');
    expect(validate(fieldsSchema, { FIRSTNAME: 'givenName' })).to.deep.equal(['$.EMAIL: is required']);
  });
});
