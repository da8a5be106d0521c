// A small JSON Schema (draft-07) validator for the keywords roster's own schemas use, so tests can
// check documents against schema/*.schema.json without another dependency. A keyword it does not
// know is an error, never silently ignored: a schema cannot pass a test by using one.

type Schema = Record<string, unknown> | boolean;

const ANNOTATIONS = new Set(['$schema', '$comment', 'title', 'description', 'default', 'examples', 'definitions']);
const KEYWORDS = new Set([
  '$ref',
  'type',
  'properties',
  'additionalProperties',
  'required',
  'items',
  'minItems',
  'enum',
  'minimum',
  'maximum',
  'minLength',
  'pattern',
  'oneOf',
  'anyOf',
  'not',
  'dependencies',
]);

/** The problems of `value` against `root` (empty when it is valid), each naming the value's path. */
export function validate(root: Record<string, unknown>, value: unknown): string[] {
  return check(root, root, value, '$');
}

function check(root: Record<string, unknown>, schema: Schema, value: unknown, path: string): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  for (const keyword of Object.keys(schema)) {
    if (!KEYWORDS.has(keyword) && !ANNOTATIONS.has(keyword)) throw new Error(`jsonSchema.ts does not support the keyword "${keyword}" (at ${path})`);
  }
  // draft-07: a $ref's siblings are annotations only.
  if (typeof schema.$ref === 'string') return check(root, resolve(root, schema.$ref), value, path);
  const problems: string[] = [];
  const sub = (s: unknown, v: unknown, p: string) => check(root, s as Schema, v, p);

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => hasType(value, type))) return [`${path}: must be ${types.join(' or ')}, found ${typeOf(value)}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => option === value)) {
    problems.push(`${path}: must be one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) problems.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${path}: does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) problems.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items !== undefined) value.forEach((item, index) => problems.push(...sub(schema.items, item, `${path}[${index}]`)));
  }
  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [key, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, key)) problems.push(...sub(properties[key], item, `${path}.${key}`));
      else if (schema.additionalProperties !== undefined) problems.push(...sub(schema.additionalProperties, item, `${path}.${key}`));
    }
    for (const key of (schema.required ?? []) as string[]) if (!Object.hasOwn(value, key)) problems.push(`${path}.${key}: is required`);
    for (const [key, dependency] of Object.entries((schema.dependencies ?? {}) as Record<string, unknown>)) {
      if (!Object.hasOwn(value, key)) continue;
      if (Array.isArray(dependency)) {
        for (const needed of dependency as string[]) if (!Object.hasOwn(value, needed)) problems.push(`${path}.${needed}: is required with ${key}`);
      } else problems.push(...sub(dependency, value, path));
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = schema.oneOf.filter((option) => sub(option, value, path).length === 0).length;
    if (passing !== 1) problems.push(`${path}: must match exactly one of ${schema.oneOf.length} forms, matches ${passing}`);
  }
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((option) => sub(option, value, path).length === 0)) {
    problems.push(`${path}: matches none of ${schema.anyOf.length} forms`);
  }
  if (schema.not !== undefined && sub(schema.not, value, path).length === 0) problems.push(`${path}: matches a form that is not allowed`);
  return problems;
}

function resolve(root: Record<string, unknown>, ref: string): Schema {
  const match = /^#\/definitions\/([^/]+)$/.exec(ref);
  const target = match ? (root.definitions as Record<string, Schema> | undefined)?.[match[1]!] : undefined;
  if (target === undefined) throw new Error(`jsonSchema.ts cannot resolve $ref ${ref}`);
  return target;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: string): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isObject(value);
  if (type === 'null') return value === null;
  return typeof value === type;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
