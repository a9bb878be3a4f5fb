import { isPython, objectOf } from '../../analysis/code-auth.js';
import { callAt, hitData, taintedSinks, type SinkMatch } from '../../analysis/code-input.js';
import { propertyOf, type CallSite } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { goPathTraversals } from './go.js';
import { javaPathTraversals } from './java.js';
import { kotlinPathTraversals } from './kotlin.js';
import { phpPathTraversals } from './php.js';
import { at } from '../../analysis/code-auth.js';
import { lineSnippet } from '../../analysis/code-transport.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { goSite } from '../../analysis/go-taint.js';
import { requestSourceProviders } from '../../collectors/code/plugins.js';

/** Python's own file functions; the frameworks' file responses (their `request.fileResponses`) are joined to them. */
const PY_FILE_FUNCTIONS = String.raw`open|io\.open|codecs\.open|aiofiles\.open|os\.(remove|unlink|rmdir|listdir|scandir|makedirs|stat|rename|replace)|shutil\.(rmtree|copy|copyfile|copy2|move)`;

interface FileResponses {
  python: RegExp;
  /** JS response methods that send a file, with the response names each framework gives them. */
  js: readonly { methods: readonly string[]; receivers: readonly string[] }[];
}

let fileResponseTable: FileResponses | undefined;

function fileResponses(): FileResponses {
  if (!fileResponseTable) {
    const sections = requestSourceProviders().flatMap((provider) => (provider.fileResponses ? [{ family: provider.family, ...provider.fileResponses }] : []));
    const callables = sections.flatMap((section) => (section.family === 'python' ? (section.callables ?? []) : [])).map((name) => name.replace(/\./g, '\\.'));
    fileResponseTable = {
      python: new RegExp(`^(${[PY_FILE_FUNCTIONS, ...callables].join('|')})$`),
      js: sections.flatMap((section) => (section.family === 'js' ? [{ methods: section.methods ?? [], receivers: section.receivers ?? [] }] : [])),
    };
  }
  return fileResponseTable;
}

const PY_PATH_METHODS = /^(read_text|read_bytes|write_text|write_bytes|open|unlink|rmdir|iterdir|mkdir|rename)$/;
const PY_PATH_METHOD_END = /(?:read_text|read_bytes|write_text|write_bytes|open|unlink|rmdir|iterdir|mkdir|rename)$/;
const JS_FS = /^(node:)?(fs|fs\/promises|fs-extra|fs\.promises)\.(readFile|readFileSync|createReadStream|createWriteStream|writeFile|writeFileSync|appendFile|appendFileSync|unlink|unlinkSync|rm|rmSync|readdir|readdirSync|open|openSync|copyFile|copyFileSync|rename|renameSync|access|stat|statSync|remove|outputFile)$/;

function match(source: SourceFile, call: CallSite): SinkMatch | undefined {
  const first = call.args[0] ?? call.kwargs.get('path') ?? call.kwargs.get('file') ?? call.kwargs.get('path_or_file');
  if (isPython(source)) {
    // A path method's name ends the callee as written: the receiver is read for those calls alone.
    if (PY_PATH_METHOD_END.test(call.written)) {
      const fn = call.node.childForFieldName('function');
      const method = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
      const receiver = fn?.childForFieldName('object');
      if (PY_PATH_METHODS.test(method) && receiver && /Path\(|\//.test(receiver.text)) return { args: [receiver], what: call.written };
    }
    if (!first) return undefined;
    if (fileResponses().python.test(call.callee) && !(call.callee === 'open' && /\bdef open\b/.test(source.text))) return { args: [first], what: call.written };
    return undefined;
  }
  if (!first) return undefined;
  if (JS_FS.test(call.callee)) return { args: /copyFile|rename/.test(call.callee) ? call.args.slice(0, 2) : [first], what: call.written };
  const fn = call.node.childForFieldName('function');
  const method = fn?.type === 'member_expression' ? (fn.childForFieldName('property')?.text ?? '') : '';
  const receiver = fn?.type === 'member_expression' ? (fn.childForFieldName('object')?.text ?? '') : '';
  if (fileResponses().js.some((sends) => sends.methods.includes(method) && sends.receivers.includes(receiver))) {
    const options = objectOf(source, call.args.find((arg, index) => index > 0 && arg.type === 'object') ?? call.args[1]);
    if (propertyOf(options, 'root')) return undefined;
    return { args: [first], what: call.written };
  }
  return undefined;
}

export default defineCheck({
  id: 'path-traversal',
  title: 'File path built from request data',
  owasp: 'API8:2023',
  cwe: ['CWE-22'],
  severity: 'high',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'A file name from the request can hold `../` segments or an absolute path, so joining it to a base directory still lets a caller read or overwrite any file the service can reach (keys, `.env`, other tenants\' uploads).',
  remediation:
    'Serve files through the framework\'s safe helper or reduce the name to a base name and check the resolved path stays inside the base: Flask `send_from_directory(UPLOADS, secure_filename(name))`; Python `full = (BASE / name).resolve(); full.relative_to(BASE)`; Express `res.sendFile(name, { root: UPLOADS })`; Node `const full = path.resolve(ROOT, path.basename(name)); if (!full.startsWith(ROOT + path.sep)) return res.sendStatus(400)`; PHP: `basename($name)` before joining it to a base directory, or `$full = realpath($base . \'/\' . $name)` followed by `str_starts_with($full, $base . \'/\')`, and Laravel `Storage::disk(\'exports\')` paths looked up from a model the caller owns rather than taken from the request.',
  messages: {
    direct: '`{{call}}` opens a path built from request data (`{{origin}}`) without confining it to a base directory.',
    wrapper: '`{{call}}` passes request data (`{{origin}}`) to `{{wrapper}}`, which opens it with `{{sink}}` at {{file}}:{{line}}.',
    disk: '`{{call}}` uses a file name from the request (`{{origin}}`): the caller picks any file of the storage disk, not only their own.',
  },
  run(ctx, report) {
    for (const hit of taintedSinks(ctx, { kind: 'path', match })) {
      report({ messageId: hit.via ? 'wrapper' : 'direct', data: hitData(hit), ...callAt(ctx, hit.source, hit.call) });
    }
    for (const hit of goPathTraversals(ctx.sources)) {
      const data = { call: hit.written, origin: hit.origin };
      if (!hit.via) report({ messageId: 'direct', data, ...goSite(ctx, hit.source, hit.call) });
      else {
        const sink = { wrapper: hit.via.wrapper, sink: hit.via.sinkWritten, file: hit.via.source.file, line: hit.via.sink.startPosition.row + 1 };
        report({ messageId: 'wrapper', data: { ...data, ...sink }, ...goSite(ctx, hit.source, hit.call), confidence: 'medium' });
      }
    }
    for (const hit of kotlinPathTraversals(ctx.sources, ctx.infra)) {
      report({ messageId: 'direct', data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.node.text.split('\n')[0] ?? '') });
    }
    for (const hit of javaPathTraversals(ctx.sources, ctx.infra)) {
      report({ messageId: 'direct', data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.snippet) });
    }
    for (const hit of phpPathTraversals(ctx.sources)) {
      const where = at(ctx, hit.source, hit.node, lineSnippet(hit.source, hit.node));
      if (hit.disk) report({ messageId: 'disk', data: { call: hit.call, origin: hit.origin }, ...where, severity: 'medium', confidence: 'medium' });
      else report({ messageId: 'direct', data: { call: hit.call, origin: hit.origin }, ...where });
    }
  },
});
