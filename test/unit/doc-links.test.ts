import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** README.md and every docs/*.md, as paths relative to the repository root. */
function documentationFiles(): string[] {
  const docs = existsSync(join(ROOT, 'docs'))
    ? readdirSync(join(ROOT, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`)
    : [];
  return ['README.md', ...docs.sort()];
}

/** The lines outside fenced code blocks (``` or ~~~), with inline code spans blanked out. */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined) {
      if (opening && opening[1]!.startsWith(fence)) fence = undefined;
      lines.push('');
      continue;
    }
    if (opening) {
      fence = opening[1]!;
      lines.push('');
      continue;
    }
    lines.push(line.replace(/`[^`]*`/g, (span) => ' '.repeat(span.length)));
  }
  return lines;
}

/**
 * GitHub's anchor for a heading: the text without markup, lower case, every character that is
 * not a letter, digit, space, '-' or '_' dropped, spaces turned into '-'. A repeated heading gets
 * '-1', '-2', … in order.
 */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML tags
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors of a markdown file's headings (ATX headings outside code blocks). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== undefined) {
      if (opening && opening[1]!.startsWith(fence)) fence = undefined;
      continue;
    }
    if (opening) {
      fence = opening[1]!;
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = headingSlug(heading[1]!);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** Relative link targets in a markdown file: `[text](target)` outside code, not a URL with a scheme. */
function relativeLinks(markdown: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = [];
  proseLines(markdown).forEach((line, index) => {
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      links.push({ line: index + 1, target });
    }
  });
  return links;
}

/**
 * Every broken relative link of the given files: a path that names no file or directory, or an
 * `#anchor` that names no heading of the linked (or the same) markdown file. `read` gives a file's
 * text by its path relative to the root, or undefined when it does not exist.
 */
export function brokenLinks(files: string[], read: (path: string) => string | undefined, isDirectory: (path: string) => boolean = () => false): string[] {
  const problems: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (path: string): Set<string> => {
    let found = anchorCache.get(path);
    if (!found) {
      found = anchorsOf(read(path) ?? '');
      anchorCache.set(path, found);
    }
    return found;
  };
  for (const file of files) {
    const text = read(file);
    if (text === undefined) {
      problems.push(`${file}: does not exist`);
      continue;
    }
    for (const { line, target } of relativeLinks(text)) {
      const hash = target.indexOf('#');
      const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
      const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const linked = pathPart === '' ? file : relative(ROOT, resolve(ROOT, dirname(file), pathPart)).split('\\').join('/');
      const where = `${file}:${line}: (${target})`;
      if (linked.startsWith('..')) {
        problems.push(`${where}: points outside the repository`);
        continue;
      }
      if (read(linked) === undefined && !isDirectory(linked)) {
        problems.push(`${where}: ${linked} does not exist`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!linked.endsWith('.md')) {
        problems.push(`${where}: an anchor into ${linked}, which is not a markdown file`);
        continue;
      }
      if (!anchors(linked).has(anchor)) problems.push(`${where}: ${linked} has no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}

function readFromDisk(path: string): string | undefined {
  const full = join(ROOT, path);
  if (!existsSync(full)) return undefined;
  try {
    return readFileSync(full, 'utf8');
  } catch {
    return undefined; // a directory
  }
}

function isDirectoryOnDisk(path: string): boolean {
  const full = join(ROOT, path);
  return existsSync(full) && readFromDisk(path) === undefined;
}

describe('documentation links', () => {
  it('every relative link in README.md and docs/*.md names an existing file and, with #anchor, an existing heading', () => {
    const files = documentationFiles();
    expect(files.length, 'README.md and the docs pages').toBeGreaterThan(1);
    expect(brokenLinks(files, readFromDisk, isDirectoryOnDisk)).toEqual([]);
  });

  it('README.md links to every docs page', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const linked = new Set(relativeLinks(readme).map(({ target }) => target.split('#')[0]));
    const pages = documentationFiles().filter((file) => file.startsWith('docs/'));
    expect(pages.filter((page) => !linked.has(page))).toEqual([]);
  });
});

describe('the link checker', () => {
  it('makes anchors as GitHub does', () => {
    expect(headingSlug('Reports again, and after a kill (`report`)')).toBe('reports-again-and-after-a-kill-report');
    expect(headingSlug("The server's stream limit")).toBe('the-servers-stream-limit');
    expect(headingSlug('Choosing the worker count (`load.workers: auto`)')).toBe('choosing-the-worker-count-loadworkers-auto');
    expect(headingSlug('grpc-js or http2')).toBe('grpc-js-or-http2');
    expect(headingSlug('Thresholds (CI perf gate)')).toBe('thresholds-ci-perf-gate');
  });

  it('finds a missing file, a missing anchor in another file and in the same file, and ignores code and URLs', () => {
    const files: Record<string, string> = {
      'README.md': [
        '# Title',
        '## Exit codes',
        '## Exit codes',
        'See [a](docs/a.md), [b](docs/a.md#first-part), [c](#exit-codes), [d](#exit-codes-1), [web](https://example.com/x#y).',
        'Broken: [e](docs/missing.md), [f](docs/a.md#no-such-part), [g](#nowhere).',
        '`[not a link](nowhere.md)`',
        '```',
        '[not a link either](nowhere.md)',
        '```',
      ].join('\n'),
      'docs/a.md': ['# A', '## First part', 'Back to [the README](../README.md#title) and [up](../../outside.md).'].join('\n'),
    };
    const problems = brokenLinks(Object.keys(files), (path) => files[path]);
    expect(problems).toEqual([
      'README.md:5: (docs/missing.md): docs/missing.md does not exist',
      'README.md:5: (docs/a.md#no-such-part): docs/a.md has no heading with the anchor #no-such-part',
      'README.md:5: (#nowhere): README.md has no heading with the anchor #nowhere',
      'docs/a.md:3: (../../outside.md): points outside the repository',
    ]);
  });
});
