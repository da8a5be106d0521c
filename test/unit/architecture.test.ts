// The architecture a newcomer reads in docs/architecture.md, kept true: imports between src/'s
// folders run one way (down the layers below), and the folder map names every folder of src/
// and nothing that is not there.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { packageRoot } from '../../src/platform/paths.js';

/** src/'s top folders, highest first: a folder may import only folders after it (or itself). */
const LAYERS = [
  ['cli'],
  ['doctor', 'monitoring'],
  ['ilobby', 'officevibe', 'setup'],
  ['directory', 'rowstore', 'safety'],
  ['mapping'],
  ['config'],
  ['platform'],
];
const SRC = join(packageRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

function folders(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .flatMap((name) => [join(dir, name), ...folders(join(dir, name))]);
}

const topFolder = (file: string) => relative(SRC, file).split(sep)[0]!;

/** Folder → the other top folders its files import. */
function importsBetweenFolders(files: readonly string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = topFolder(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = topFolder(normalize(join(dirname(file), match[1]!)));
      if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

describe('architecture', () => {
  const graph = importsBetweenFolders(sourceFiles(SRC));

  it('has every top folder of src/ in a layer, and no file outside a folder', () => {
    const tops = readdirSync(SRC)
      .filter((name) => statSync(join(SRC, name)).isDirectory())
      .sort();
    expect(tops).to.deep.equal(LAYERS.flat().sort());
    expect(readdirSync(SRC).filter((name) => !statSync(join(SRC, name)).isDirectory())).to.deep.equal([]);
  });

  it('imports run one way: down the layers, never up or sideways', () => {
    const layerOf = new Map(LAYERS.flatMap((layer, index) => layer.map((folder) => [folder, index] as const)));
    const wrong = [...graph].flatMap(([from, targets]) =>
      [...targets].filter((to) => (layerOf.get(to) ?? -1) <= (layerOf.get(from) ?? -1)).map((to) => `${from} imports ${to}`),
    );
    expect(wrong).to.deep.equal([]);
  });

  it('finds an import that runs the wrong way', () => {
    const files = [join(SRC, 'platform', 'errors.ts'), join(SRC, 'cli', 'main.ts')];
    expect(importsBetweenFolders(files).get('cli')?.has('platform')).to.equal(true);
    expect(importsBetweenFolders(files).has('platform')).to.equal(false);
  });

  it('docs/architecture.md maps every folder of src/, and only folders that exist', () => {
    const doc = readFileSync(join(packageRoot, 'docs', 'architecture.md'), 'utf8');
    const mapped = [...doc.matchAll(/^\| `(src\/[^`]+)\/` \|/gm)].map((m) => m[1]!).sort();
    const actual = folders(SRC)
      .map((dir) => relative(packageRoot, dir).split(sep).join('/'))
      .sort();
    expect(mapped).to.deep.equal(actual);
  });
});
