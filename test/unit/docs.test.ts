// The documentation a user of the repository reads: README.md stays short enough to be read (the
// details live in docs/), and no relative link in README.md, CHANGELOG.md or docs/*.md leads to a
// file the repository does not have, a generated file (dist/, node_modules/), or a heading that
// is not there. Links are checked as GitHub renders them: relative to the linking file, with
// fragments matched against GitHub's heading anchors.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../../src/platform/paths.js';

/** `wc -c` counts bytes; 15 KB read as 15,000 bytes, the stricter reading. */
const README_MAX_BYTES = 15_000;

interface Link {
  target: string;
  line: number;
}

/** Markdown with fenced code blocks and inline code spans blanked out (line count kept): a JSON example is not a link. */
function withoutCode(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line.replace(/`[^`]*`/g, '``');
    })
    .join('\n');
}

/** Inline links `[text](target)`, images and reference definitions `[name]: target`, with their line numbers. */
function markdownLinks(markdown: string): Link[] {
  const links: Link[] = [];
  withoutCode(markdown)
    .split('\n')
    .forEach((text, index) => {
      for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: match[1]!, line: index + 1 });
      const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/.exec(text);
      if (definition) links.push({ target: definition[1]!, line: index + 1 });
    });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2… */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocksOnly(markdown).split('\n')) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Fenced code blocks blanked out, inline code kept: a heading's `code` is part of its anchor text. */
function withoutCodeBlocksOnly(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** Folders .gitignore keeps out of the repository (dist/, node_modules/): a link into them works only on a developer's machine. */
function ignoredFolders(root: string): string[] {
  const file = join(root, '.gitignore');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.endsWith('/') && !line.startsWith('#') && !line.startsWith('!'))
    .map((line) => line.replace(/^\/+|\/+$/g, ''));
}

/** What is wrong with each relative link of `file` (a path relative to `root`), as readable lines. */
function brokenLinks(root: string, file: string, markdown = readFileSync(join(root, file), 'utf8')): string[] {
  const source = join(root, file);
  const ignored = ignoredFolders(root);
  const problems: string[] = [];
  for (const { target, line } of markdownLinks(markdown)) {
    if (isExternal(target)) continue;
    const [pathPart = '', fragment] = target.split('#', 2);
    const path = decodeURIComponent(pathPart.split('?')[0]!);
    const where = `${file}:${line}: ${target}`;
    if (path === '') {
      // A heading of this same document.
      if (fragment && !headingAnchors(markdown).has(decodeURIComponent(fragment).toLowerCase()))
        problems.push(`${where}: ${file} has no heading with the anchor #${fragment}`);
      continue;
    }
    const resolved = resolve(dirname(source), path);
    const inRepo = relative(root, resolved);
    if (inRepo.startsWith('..') || resolve(root, inRepo) !== resolved) {
      problems.push(`${where} leads outside the repository`);
    } else if (ignored.some((folder) => inRepo === folder || inRepo.startsWith(`${folder}${sep}`))) {
      problems.push(`${where} leads into ${inRepo.split(sep)[0]}/, which is not in the repository`);
    } else if (!existsSync(resolved)) {
      problems.push(`${where} leads to a file that does not exist`);
    } else if (fragment !== undefined && fragment !== '' && resolved.endsWith('.md') && statSync(resolved).isFile()) {
      if (!headingAnchors(readFileSync(resolved, 'utf8')).has(decodeURIComponent(fragment).toLowerCase())) {
        problems.push(`${where}: ${inRepo} has no heading with the anchor #${fragment}`);
      }
    }
  }
  return problems;
}

/** README.md, CHANGELOG.md and every docs/*.md, relative to the package root. */
function documents(): string[] {
  const docs = readdirSync(join(packageRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', 'CHANGELOG.md', ...docs].filter((file) => existsSync(join(packageRoot, file)));
}

describe('documentation', () => {
  it(`README.md is under ${README_MAX_BYTES.toLocaleString('en')} bytes: the details belong in docs/`, () => {
    const bytes = statSync(join(packageRoot, 'README.md')).size;
    expect(bytes, `README.md is ${bytes} bytes`).to.be.below(README_MAX_BYTES);
  });

  it('has the documents the README links to', () => {
    const files = documents();
    expect(files).to.include.members(['README.md', 'CHANGELOG.md', join('docs', 'configuration.md'), join('docs', 'operations.md')]);
  });

  it('every relative link in README.md, CHANGELOG.md and docs/*.md leads to a file (and heading) the repository has', () => {
    const linksSeen = documents().reduce((sum, file) => sum + markdownLinks(readFileSync(join(packageRoot, file), 'utf8')).length, 0);
    expect(linksSeen, 'links found in the documents').to.be.above(10);
    const problems = documents().flatMap((file) => brokenLinks(packageRoot, file));
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('no document names the team-internal product specification, which users of the repository do not have', () => {
    const mentions = documents().filter((file) => /PRODUCT\.md/.test(readFileSync(join(packageRoot, file), 'utf8')));
    expect(mentions).to.deep.equal([]);
  });

  describe('the link checker itself', () => {
    it('finds inline links, images and reference definitions, but not code', () => {
      const text = [
        'See [config](docs/configuration.md#directory) and ![logo](img/logo.png "Logo").',
        '`[not](a-link.md)` and',
        '```json',
        '{ "x": ["a"](b) }',
        '```',
        '[ref]: docs/mapping.md',
        'Web: [site](https://example.com).',
      ].join('\n');
      expect(markdownLinks(text)).to.deep.equal([
        { target: 'docs/configuration.md#directory', line: 1 },
        { target: 'img/logo.png', line: 1 },
        { target: 'docs/mapping.md', line: 6 },
        { target: 'https://example.com', line: 7 },
      ]);
    });

    it("makes GitHub's anchors from headings", () => {
      const anchors = headingAnchors(
        '# Running roster\n## The state folder and reports\n### Windows Task Scheduler (`--windows`)\n## Exit codes\n## Exit codes\n',
      );
      expect([...anchors]).to.deep.equal(['running-roster', 'the-state-folder-and-reports', 'windows-task-scheduler---windows', 'exit-codes', 'exit-codes-1']);
    });

    it('reports a missing file, a missing heading, a generated file and a path outside the repository', () => {
      const text =
        '[a](docs/no-such-page.md) [b](docs/operations.md#no-such-heading) [c](dist/bin/roster.cjs) [d](../outside.md) [e](docs/operations.md#exit-codes) [f](#own-heading) [g](#lost)\n## Own heading\n';
      const problems = brokenLinks(packageRoot, 'synthetic.md', text);
      expect(problems).to.have.length(5);
      expect(problems[0]).to.match(/^synthetic\.md:1: docs\/no-such-page\.md leads to a file that does not exist$/);
      expect(problems[1]).to.match(/has no heading with the anchor #no-such-heading$/);
      expect(problems[2]).to.match(/leads into dist\/, which is not in the repository$/);
      expect(problems[3]).to.match(/\.\.\/outside\.md leads outside the repository$/);
      expect(problems[4]).to.match(/synthetic\.md has no heading with the anchor #lost$/);
    });
  });
});
