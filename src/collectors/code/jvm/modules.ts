/**
 * The module graph of a multi-module Maven or Gradle build: which module folders a module puts on its
 * class path (`<dependency><artifactId>mall-security</artifactId>` naming a sibling module's
 * artifactId; Gradle `implementation project(':shared-security')`), transitively. Module folders are
 * written as `moduleOf` writes them (`orders/`, `''` for the root).
 */
import type { InfraFile } from '../../../engine/context.js';

const BUILD_FILE = /(^|\/)(pom\.xml|build\.gradle(\.kts)?)$/;

function folderOf(file: string): string {
  const index = file.lastIndexOf('/');
  return index < 0 ? '' : file.slice(0, index + 1);
}

/** The text of a POM without comments and without the blocks whose artifactIds are not this module's own dependencies. */
function pomBody(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(parent|dependencyManagement|build|profiles|reporting|pluginRepositories|repositories|distributionManagement)\b[\s\S]*?<\/\1>/g, '');
}

function pomArtifact(text: string): string | undefined {
  const body = pomBody(text).replace(/<dependencies\b[\s\S]*?<\/dependencies>/g, '');
  return /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(body)?.[1];
}

function pomDependencies(text: string): string[] {
  const out: string[] = [];
  for (const block of pomBody(text).matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
    const inner = block[1] ?? '';
    if (/<scope>\s*test\s*<\/scope>/.test(inner)) continue;
    const artifact = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(inner)?.[1];
    if (artifact) out.push(artifact);
  }
  return out;
}

/** `implementation project(':a:b')`, `api(project(":lib"))`, `compile project(path: ':x')`; test configurations left out. */
function gradleDependencies(text: string): string[] {
  const out: string[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  for (const match of code.matchAll(/\b(\w+)\s*\(?\s*project\s*\(\s*(?:path\s*[:=]\s*)?["']([^"']+)["']/g)) {
    if (/^test|Test/.test(match[1] ?? '')) continue;
    out.push(match[2] ?? '');
  }
  return out;
}

export class JvmModules {
  /** Module folder → the module folders it depends on directly. */
  private readonly direct = new Map<string, string[]>();
  private readonly closure = new Map<string, Set<string>>();

  constructor(infra: readonly InfraFile[] | undefined) {
    const builds = (infra ?? []).filter((file) => BUILD_FILE.test(file.file) && !/(^|\/)src\//.test(file.file));
    const byArtifact = new Map<string, string[]>();
    for (const file of builds) {
      if (!file.file.endsWith('pom.xml')) continue;
      const artifact = pomArtifact(file.text);
      if (artifact) byArtifact.set(artifact, [...(byArtifact.get(artifact) ?? []), folderOf(file.file)]);
    }
    for (const file of builds) {
      const folder = folderOf(file.file);
      const deps: string[] = [];
      if (file.file.endsWith('pom.xml')) {
        for (const artifact of pomDependencies(file.text)) {
          const folders = byArtifact.get(artifact) ?? [];
          // Two modules with one artifactId: which one is meant cannot be told.
          if (folders.length === 1 && folders[0] !== undefined && folders[0] !== folder) deps.push(folders[0]);
        }
      } else {
        for (const path of gradleDependencies(file.text)) {
          const relative = path.split(':').filter(Boolean).join('/');
          if (relative === '') continue;
          // Gradle project paths are relative to the root build; the root is the shallowest build file's folder.
          const root = this.rootOf(builds.map((build) => folderOf(build.file)), folder);
          deps.push(`${root}${relative}/`);
        }
      }
      this.direct.set(folder, [...(this.direct.get(folder) ?? []), ...deps]);
    }
  }

  private rootOf(folders: readonly string[], folder: string): string {
    let best = folder;
    for (const candidate of folders) if (folder.startsWith(candidate) && candidate.length < best.length) best = candidate;
    return best;
  }

  /** Whether the build declares any module of this workspace. */
  get known(): boolean {
    return this.direct.size > 0;
  }

  /** The modules `module` puts on its class path, itself included, transitively. */
  classPath(module: string): Set<string> {
    const cached = this.closure.get(module);
    if (cached) return cached;
    const out = new Set<string>([module]);
    const queue = [module];
    while (queue.length > 0) {
      const next = queue.pop() ?? '';
      for (const dep of this.direct.get(next) ?? []) {
        if (out.has(dep)) continue;
        out.add(dep);
        queue.push(dep);
      }
    }
    this.closure.set(module, out);
    return out;
  }
}
