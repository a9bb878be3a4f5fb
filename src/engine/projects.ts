import { posix } from 'node:path';
import type { WorkspaceFile } from '../workspace/discover.js';
import { LANGUAGE_LINKS, type FamilyLinks, type LinkFacts } from './project-links.js';

/**
 * Independent projects inside one language family: a repository of many services (one manifest
 * each) need not be analysed as one program. Each source file belongs to the project of its nearest
 * manifest; two projects are one when either may use the other's code, read conservatively from the
 * texts before anything is parsed:
 * - a manifest of one names the other's folder or declared name (a path dependency, a Maven module,
 *   a `replace` directive, a workspace package);
 * - a file of one uses a name (module, package, namespace, class) the other declares and it does not;
 * - a relative import or path of one reaches into the other's folder.
 * Anything unsure joins: a wrong join only costs memory and time, a wrong split could lose a guard.
 */

export interface ProjectGroup {
  /** Folders of the manifests whose projects were joined, sorted ('' for the repository root). */
  roots: string[];
  files: WorkspaceFile[];
}

/** The folder a manifest makes a project root (`requirements/base.txt` → the folder holding `requirements/`). */
function manifestRoot(path: string): string {
  const dir = posix.dirname(path);
  const base = dir === '.' ? '' : dir;
  if (posix.basename(base) === 'requirements') {
    const parent = posix.dirname(base);
    return parent === '.' ? '' : parent;
  }
  return base;
}

function within(path: string, root: string): boolean {
  return root === '' || path === root || path.startsWith(`${root}/`);
}

/** The nearest (deepest) of `roots` holding `path`: its folder, then each folder above it. */
function nearest(path: string, roots: ReadonlySet<string>): string | undefined {
  if (roots.has(path)) return path;
  for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) {
    const folder = path.slice(0, at);
    if (roots.has(folder)) return folder;
  }
  return roots.has('') ? '' : undefined;
}

/** Words of a manifest, whole and split at `/`, `.` and `:` (`file:../shared`, `github.com/acme/auth`). */
function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  for (const token of text.split(/[^\w.@/-]+/)) {
    if (token === '') continue;
    words.add(token);
    for (const part of token.split(/[/.]/)) if (part !== '') words.add(part);
  }
  return words;
}

/** Reads many small files at once: the split waits on the disk, not on the parser. */
async function readAll<T>(items: readonly T[], read: (item: T) => Promise<string | undefined>): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = new Array<string | undefined>(items.length);
  const width = 32;
  for (let start = 0; start < items.length; start += width) {
    const batch = items.slice(start, start + width);
    const texts = await Promise.all(batch.map(read));
    texts.forEach((text, index) => (out[start + index] = text));
  }
  return out;
}

class Joins {
  private readonly parent = new Map<string, string>();
  find(key: string): string {
    let current = key;
    for (let up = this.parent.get(current); up !== undefined && up !== current; up = this.parent.get(current)) current = up;
    // Path compression: the next lookup is one step.
    let walk = key;
    while (walk !== current) {
      const next = this.parent.get(walk) ?? current;
      this.parent.set(walk, current);
      walk = next;
    }
    return current;
  }
  join(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // The smaller key leads: the grouping does not depend on the order of the joins.
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}

/**
 * Splits one family's source files into independent projects. `readText` reads a file without keeping
 * it (the texts are read once here, for their imports and declarations, and dropped). A family with one
 * project root or none is one group, and nothing is read.
 */
export async function splitProjects(
  family: string,
  sources: readonly WorkspaceFile[],
  all: readonly WorkspaceFile[],
  readText: (file: WorkspaceFile) => Promise<string | undefined>,
): Promise<ProjectGroup[]> {
  const links: FamilyLinks | undefined = LANGUAGE_LINKS[family];
  const whole: ProjectGroup[] = [{ roots: [''], files: [...sources] }];
  if (!links || sources.length === 0) return whole;
  const manifests = all.filter((file) => links.isManifest(file.path));
  // Sources outside every project: the repository root is their project (it may be a project of its own).
  const roots = new Set(['', ...manifests.map((file) => manifestRoot(file.path))]);
  const members = new Map<string, WorkspaceFile[]>();
  const rootOf = new Map<WorkspaceFile, string>();
  for (const file of sources) {
    const root = nearest(file.path, roots) ?? '';
    rootOf.set(file, root);
    const list = members.get(root);
    if (list) list.push(file);
    else members.set(root, [file]);
  }
  const used = [...members.keys()].sort();
  if (used.length < 2) return whole;
  const usedSet = new Set(used);

  const joins = new Joins();
  // Names each project declares, and the projects that declare each name.
  const declaredBy = new Map<string, Set<string>>();
  const declare = (name: string, root: string): void => {
    const set = declaredBy.get(name);
    if (set) set.add(root);
    else declaredBy.set(name, new Set([root]));
  };
  const facts = new Map<string, LinkFacts[]>();
  for (const root of used) {
    const list: LinkFacts[] = [];
    const files = members.get(root) ?? [];
    const texts = await readAll(files, readText);
    for (const [index, file] of files.entries()) {
      const text = texts[index];
      if (text === undefined) continue;
      const found = links.facts(file.path, text, root);
      list.push(found);
      for (const name of found.declares) declare(name, root);
    }
    facts.set(root, list);
  }
  // Manifests: a project's own declared name, and mentions of another project's folder or name.
  const projectNames = new Map<string, string[]>();
  const manifestWords = new Map<string, Set<string>[]>();
  const manifestRead = await readAll(manifests, readText);
  for (const [index, file] of manifests.entries()) {
    const own = manifestRoot(file.path);
    const root = nearest(own, usedSet);
    const text = manifestRead[index];
    if (text === undefined) continue;
    if (root !== undefined) {
      const list = manifestWords.get(root);
      if (list) list.push(wordsOf(text));
      else manifestWords.set(root, [wordsOf(text)]);
    }
    if (usedSet.has(own)) {
      const declared = links.manifestName?.(file.path, text) ?? [];
      const names = [posix.basename(own), ...declared].filter((name) => name.length >= 3);
      projectNames.set(own, [...(projectNames.get(own) ?? []), ...names]);
      // A package name or module path is used by its imports (`@acme/auth`, `github.com/acme/auth/jwt`).
      for (const name of declared) declare(name, own);
    }
  }
  const byName = new Map<string, string[]>();
  for (const [root, names] of projectNames) {
    for (const name of names) {
      const list = byName.get(name);
      if (list) list.push(root);
      else byName.set(name, [root]);
    }
  }
  for (const [root, wordSets] of manifestWords) {
    for (const words of wordSets) for (const word of words) for (const other of byName.get(word) ?? []) if (other !== root) joins.join(root, other);
  }
  for (const [root, list] of facts) {
    const own = new Set(list.flatMap((found) => found.declares));
    for (const found of list) {
      for (const name of found.uses) {
        if (own.has(name)) continue;
        for (const other of declaredBy.get(name) ?? []) if (other !== root) joins.join(root, other);
      }
      for (const path of found.paths) {
        // A relative path that leaves the project: whatever project holds it, or every project under it.
        const holder = nearest(path, usedSet);
        if (holder === root && within(path, root)) continue;
        if (holder !== undefined && holder !== root) joins.join(root, holder);
        for (const other of used) if (other !== root && within(other, path)) joins.join(root, other);
      }
    }
  }
  const groups = new Map<string, ProjectGroup>();
  for (const root of used) {
    const lead = joins.find(root);
    const group = groups.get(lead);
    if (group) group.roots.push(root);
    else groups.set(lead, { roots: [root], files: [] });
  }
  // Files keep discovery order inside each group; groups are ordered by their first root.
  const byRoot = new Map<string, ProjectGroup>();
  for (const group of groups.values()) {
    group.roots.sort();
    for (const root of group.roots) byRoot.set(root, group);
  }
  for (const file of sources) byRoot.get(rootOf.get(file) ?? '')?.files.push(file);
  return [...groups.values()].sort((a, b) => ((a.roots[0] ?? '') < (b.roots[0] ?? '') ? -1 : 1));
}
