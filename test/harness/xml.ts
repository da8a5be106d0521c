// A strict little XML reader for tests: throws on anything that is not well-formed (one root,
// matching tags, quoted attributes, known entities, nothing after the root but comments) and
// returns the element tree. Enough for the Task Scheduler XML roster generates; no DTDs.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, entities decoded, surrounding whitespace kept. */
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function parseXml(source: string): XmlElement {
  let at = 0;
  const fail = (what: string): never => {
    const line = source.slice(0, at).split('\n').length;
    throw new Error(`not well-formed XML, line ${line}: ${what}`);
  };
  const decode = (text: string) =>
    text.replace(/&(#x[0-9a-f]+|#\d+|\w+);|&/gi, (whole, entity?: string) => {
      if (entity === undefined) return fail('a bare "&" (write &amp;)');
      if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
      if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
      return ENTITIES[entity] ?? fail(`unknown entity ${whole}`);
    });
  const skipMisc = () => {
    for (;;) {
      const rest = source.slice(at);
      const space = /^\s+/.exec(rest);
      if (space) at += space[0].length;
      else if (rest.startsWith('<!--')) {
        const end = source.indexOf('-->', at + 4);
        if (end < 0) fail('unterminated comment');
        if (source.slice(at + 4, end).includes('--')) fail('"--" inside a comment');
        at = end + 3;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (source[at] !== '<') fail('expected an element');
    at += 1;
    const name = NAME.exec(source.slice(at))?.[0] ?? fail('expected an element name');
    at += name.length;
    const node: XmlElement = { name, attributes: {}, children: [], text: '' };
    for (;;) {
      const space = /^\s*/.exec(source.slice(at))![0];
      at += space.length;
      if (source.startsWith('/>', at)) {
        at += 2;
        return node;
      }
      if (source[at] === '>') {
        at += 1;
        break;
      }
      if (space === '') fail(`expected whitespace before an attribute in <${name}>`);
      const attribute = /^([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(source.slice(at)) ?? fail(`malformed attribute in <${name}>`);
      if (Object.hasOwn(node.attributes, attribute[1]!)) fail(`attribute ${attribute[1]} twice in <${name}>`);
      node.attributes[attribute[1]!] = decode(attribute[3] ?? attribute[4] ?? '');
      at += attribute[0].length;
    }
    for (;;) {
      const next = source.indexOf('<', at);
      if (next < 0) fail(`<${name}> is never closed`);
      node.text += decode(source.slice(at, next));
      at = next;
      if (source.startsWith('</', at)) {
        const end = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(source.slice(at)) ?? fail('malformed end tag');
        if (end[1] !== name) fail(`</${end[1]}> closes <${name}>`);
        at += end[0].length;
        return node;
      }
      if (source.startsWith('<!--', at)) skipMisc();
      else node.children.push(element());
    }
  };

  if (source.startsWith('\uFEFF')) at = 1;
  const declaration = /^<\?xml\s+version\s*=\s*["']1\.[0-9]["'](\s+encoding\s*=\s*["'][\w-]+["'])?(\s+standalone\s*=\s*["'](yes|no)["'])?\s*\?>/.exec(
    source.slice(at),
  );
  if (declaration) at += declaration[0].length;
  else if (source.startsWith('<?xml', at)) fail('malformed XML declaration');
  skipMisc();
  const root = element();
  skipMisc();
  if (at !== source.length) fail('content after the root element');
  return root;
}

/** The first descendant reached by the path of element names, e.g. 'Principals/Principal/LogonType'. */
export function child(node: XmlElement, path: string): XmlElement {
  let current = node;
  for (const name of path.split('/')) {
    const next = current.children.find((c) => c.name === name);
    if (next === undefined) throw new Error(`<${current.name}> has no <${name}> (looking for ${path})`);
    current = next;
  }
  return current;
}
