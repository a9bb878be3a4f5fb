/**
 * Files opened at paths built from request data in Kotlin (Spring handlers and Ktor routes): `File(x)`,
 * `File(base, x)`, `FileInputStream` / `FileOutputStream` / `FileReader` / `FileWriter` / `RandomAccessFile`,
 * the frameworks' file types (the plugins' `pathSinks`: Spring `FileSystemResource` / `PathResource`), `Paths.get(…)` / `Path.of(…)`, `base.resolve(x)`, and the
 * file responses of a route's call object (the plugins' `jvmRequest.kotlinCall`: Ktor's
 * `call.respondFile(dir, name)`). A function that normalizes the path (`normalize()`, `canonicalPath`,
 * `canonicalFile`) and checks it with `startsWith` confines it and is not reported; so is a name reduced
 * to its last component (`File(x).name`, `Paths.get(x).fileName`). One finding per function and request value.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import { kotlinBare, kotlinFunctions, kotlinTaint } from '../../collectors/code/jvm/kotlin.js';
import { pathSinkProviders } from '../../collectors/code/plugins.js';
import { requestTable, sharedAnalysis } from '../../collectors/code/jvm/taint.js';

export interface KotlinPathHit {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
}

const CALLS: ReadonlySet<string> = new Set(['call_expression']);
/** The JDK's file constructors; the frameworks' path-taking ones (the plugins' `pathSinks.constructors`) are joined to them. */
const JDK_CONSTRUCTORS = ['File', 'FileInputStream', 'FileOutputStream', 'FileReader', 'FileWriter', 'RandomAccessFile'];
let constructorNames: string[] | undefined;

function constructors(): string[] {
  constructorNames ??= [...new Set([...JDK_CONSTRUCTORS, ...pathSinkProviders().flatMap((provider) => provider.constructors)])];
  return constructorNames;
}
const CONFINED = /\b(normalize\(\)|canonicalPath|canonicalFile|toRealPath\()/;

export function kotlinPathTraversals(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): KotlinPathHit[] {
  const { names, fileResponses } = requestTable().kotlinCall;
  const fileTypes = constructors();
  const hint = new RegExp(`\\b(${fileTypes.join('|')}|Paths\\.get|Path\\.of|resolve${fileResponses.map((name) => `|${name}`).join('')})\\s*\\(`);
  if (!sources.some((source) => source.language === 'kotlin' && hint.test(source.text))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const taint = kotlinTaint(program);
  const out: KotlinPathHit[] = [];
  for (const fn of kotlinFunctions(program)) {
    if (!fn.body || !hint.test(fn.body.text)) continue;
    if (CONFINED.test(fn.body.text) && /\.startsWith\s*\(/.test(fn.body.text)) continue;
    const seen = new Set<string>();
    for (const node of descendants(fn.body, CALLS)) {
      const call = asCall(node);
      if (!call || call.args.length === 0) continue;
      // The file's last name component only: `File(x).name`, `Paths.get(x).fileName`.
      const parentText = node.parent?.type === 'navigation_expression' ? node.parent.text.slice(node.text.length) : '';
      if (/^\s*\.\s*(name|fileName|nameWithoutExtension)\b/.test(parentText)) continue;
      let paths: Node[] = [];
      let written = '';
      if (!call.receiver && fileTypes.includes(call.name)) {
        paths = call.name === 'RandomAccessFile' ? call.args.slice(0, 1) : call.args;
        written = call.name;
      } else if ((call.name === 'get' && kotlinBare(call.receiver)?.text === 'Paths') || (call.name === 'of' && kotlinBare(call.receiver)?.text === 'Path')) {
        paths = call.args;
        written = `${kotlinBare(call.receiver)?.text ?? ''}.${call.name}`;
      } else if (call.name === 'resolve' && call.receiver && call.args.length === 1) {
        paths = call.args;
        written = `${kotlinBare(call.receiver)?.text.split('\n')[0] ?? ''}.resolve`;
      } else if (fileResponses.includes(call.name) && names.has(kotlinBare(call.receiver)?.text ?? '')) {
        paths = call.args.length >= 2 ? call.args.slice(1, 2) : [];
        written = `${kotlinBare(call.receiver)?.text ?? ''}.${call.name}`;
      } else continue;
      for (const path of paths) {
        const origin = taint.origin(path);
        if (!origin || seen.has(origin)) continue;
        seen.add(origin);
        out.push({ source: fn.file.source, node, call: written, origin });
        break;
      }
    }
  }
  return out;
}
