/**
 * HTTPS enforcement in ASP.NET Core, read by https-not-enforced through the plugin's `transport` section. An
 * application's request pipeline is configured where the host is built: minimal hosting (`WebApplication.CreateBuilder(args)` … `builder.Build()`) or the `Configure`
 * method of a Startup class (`Configure(IApplicationBuilder app, IWebHostEnvironment env)`, the older
 * `IHostingEnvironment`). The app forces HTTPS when a call that runs outside development redirects or
 * sends HSTS (`app.UseHttpsRedirection()`, `app.UseHsts()` — the template's `if (!app.Environment.IsDevelopment())`
 * runs in production —, the rewriter's `AddRedirectToHttps()`, `[RequireHttps]` / `RequireHttpsAttribute`,
 * a `Strict-Transport-Security` header written by hand), or when the deployment does it in front of the app
 * (the proxy, ingress and gateway evidence the check reads for every language). A service a .NET Aspire app host
 * runs without external HTTP endpoints is internal to the application and is not reported.
 *
 * `RequireHttpsMetadata = false` in the JWT bearer (or OpenID Connect) options lets the handler download the
 * authority's metadata and signing keys over plain HTTP; it matters only when keys are fetched (an
 * `Authority` or `MetadataAddress` that is not an `https://` literal) and outside development.
 */
import type { Node } from 'web-tree-sitter';
import { developmentOnly, isCsTestFile } from '../csharp/flow.js';
import { attributesOf, field, invocationParts, kids, walk } from '../csharp/project.js';
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import type { InsecureMetadata, TransportProvider, UnenforcedApp } from '../plugin.js';

/** Pipeline calls that redirect to HTTPS or send HSTS. */
const ENFORCING = new Set(['UseHttpsRedirection', 'UseHsts', 'AddRedirectToHttps', 'AddRedirectToHttpsPermanent', 'RequireHttps']);
/** Files that build an ASP.NET Core host (the aspnetcore collector's notion of an application's directory). */
const ENTRY = /\bWebApplication\.Create(?:Builder|SlimBuilder|EmptyBuilder)?\s*\(|\bUseStartup\s*<|\bclass\s+Startup\b/;
const CREATES = /^(CreateBuilder|CreateSlimBuilder|CreateEmptyBuilder|Create)$/;

function directoryOf(file: string): string {
  const index = file.lastIndexOf('/');
  return index < 0 ? '' : file.slice(0, index);
}

/** The pipeline of an entry file: `WebApplication.CreateBuilder(…)`, or `Configure(IApplicationBuilder …)` of a class. */
function pipelineOf(source: SourceFile): { node: Node; label: string } | undefined {
  let found: { node: Node; label: string } | undefined;
  walk(source.tree.rootNode, (node) => {
    if (found) return false;
    const parts = invocationParts(node);
    if (parts && CREATES.test(parts.name) && parts.receiver?.text === 'WebApplication') {
      found = { node, label: `the ASP.NET Core app built by \`${node.text.replace(/\s+/g, ' ')}\`` };
      return false;
    }
    if (node.type === 'method_declaration' && field(node, 'name')?.text === 'Configure') {
      const list = field(node, 'parameters');
      const takesApp = list ? kids(list).some((parameter) => /^(IApplicationBuilder|WebApplication)$/.test(field(parameter, 'type')?.text ?? '')) : false;
      const cls = node.parent?.parent;
      if (takesApp) found = { node: field(node, 'name') ?? node, label: `the ASP.NET Core app whose pipeline \`${(cls && field(cls, 'name')?.text) ?? 'Startup'}.Configure\` sets up` };
      return false;
    }
    return true;
  });
  return found;
}

/** Whether a file redirects to HTTPS or sends HSTS outside development. */
function enforces(source: SourceFile): boolean {
  if (!/UseHttpsRedirection|UseHsts|AddRedirectToHttps|RequireHttps|Strict-Transport-Security/.test(source.text)) return false;
  let found = false;
  walk(source.tree.rootNode, (node) => {
    if (found) return false;
    const parts = invocationParts(node);
    if (parts && ENFORCING.has(parts.name) && !developmentOnly(source, node)) found = true;
    else if (node.type === 'object_creation_expression' && /^(Microsoft\.AspNetCore\.Mvc\.)?RequireHttpsAttribute$/.test(field(node, 'type')?.text ?? '') && !developmentOnly(source, node)) found = true;
    else if ((node.type === 'class_declaration' || node.type === 'method_declaration') && attributesOf(node).some((attribute) => attribute.name === 'RequireHttps')) found = true;
    else if (node.type === 'string_literal' && /^"Strict-Transport-Security"$/i.test(node.text) && !developmentOnly(source, node)) found = true;
    return !found;
  });
  return found;
}

const normalised = (name: string): string => name.toLowerCase().replace(/[-_./\\]+/g, '.');

/**
 * The services a .NET Aspire app host (`DistributedApplication.CreateBuilder`) runs, by project name
 * (`AddProject<Projects.Catalog_API>("catalog-api")` → `catalog.api`), and whether it exposes them outside the
 * application (`.WithExternalHttpEndpoints()` on the resource or its variable). Undefined without an app host.
 */
function aspireServices(sources: readonly SourceFile[]): Map<string, boolean> | undefined {
  let out: Map<string, boolean> | undefined;
  for (const source of sources) {
    if (!source.text.includes('DistributedApplication') || !source.text.includes('AddProject')) continue;
    walk(source.tree.rootNode, (node) => {
      const parts = invocationParts(node);
      if (!parts || parts.name !== 'AddProject' || !parts.generic?.startsWith('Projects.')) return true;
      // The whole statement the resource is built in, and the variable it is kept in.
      let statement: Node = node;
      while (statement.parent && statement.parent.type !== 'expression_statement' && statement.parent.type !== 'local_declaration_statement' && statement.parent.type !== 'global_statement') statement = statement.parent;
      const declarator = statement.type === 'variable_declaration' ? kids(statement).find((child) => child.type === 'variable_declarator') : undefined;
      const variable = declarator ? kids(declarator)[0]?.text : undefined;
      const external = /\.WithExternalHttpEndpoints\s*\(/.test(statement.text) || (variable !== undefined && new RegExp(`\\b${variable}\\s*\\.(?:[\\s\\S]{0,400}?)WithExternalHttpEndpoints\\s*\\(`).test(source.text.slice(statement.endIndex)));
      out ??= new Map();
      out.set(normalised(parts.generic.slice('Projects.'.length)), external);
      return true;
    });
  }
  return out;
}

/**
 * ASP.NET Core applications that serve routes and neither redirect to HTTPS nor send HSTS outside
 * development. `deployed`: the deployment forces HTTPS in front of every app (then none is reported).
 */
function csharpHttpsApps(ctx: CheckContext, deployed: () => boolean): UnenforcedApp[] {
  const sources = ctx.sources.filter((source) => source.language === 'csharp' && !isCsTestFile(source.file));
  const entries = sources.filter((source) => ENTRY.test(source.text));
  if (entries.length === 0) return [];
  const serving = ctx.inventory.endpoints.flatMap((endpoint) => (endpoint.sources.some((source) => source.via === 'aspnetcore') && endpoint.handler ? [endpoint.handler.file] : []));
  if (serving.length === 0) return [];
  const dirs = [...new Set(entries.map((source) => directoryOf(source.file)))].sort((a, b) => b.length - a.length);
  const inDir = (file: string, dir: string): boolean => dir === '' || file.startsWith(`${dir}/`);
  // Each file's application directory, found once (the apps × files × endpoints scans were quadratic in a unit's apps).
  const owners = new Map<string, string | undefined>();
  const owner = (file: string): string | undefined => {
    if (!owners.has(file)) owners.set(file, dirs.find((dir) => inDir(file, dir)));
    return owners.get(file);
  };
  const byOwner = new Map<string | undefined, SourceFile[]>();
  for (const source of sources) {
    const dir = owner(source.file);
    const list = byOwner.get(dir);
    if (list) list.push(source);
    else byOwner.set(dir, [source]);
  }
  const servingOwners = new Set(serving.map(owner));
  // Files outside every application directory are shared libraries (a pipeline extension method may live there).
  const libraryEnforces = (byOwner.get(undefined) ?? []).some(enforces);
  const aspire = aspireServices(ctx.sources.filter((source) => source.language === 'csharp'));
  const out: UnenforcedApp[] = [];
  for (const dir of dirs) {
    // A service the Aspire app model keeps internal (no WithExternalHttpEndpoints): reached only by the other
    // services of the application, never by a client that could be downgraded.
    const project = normalised(dir);
    const service = aspire ? [...aspire].find(([name]) => project === name || project.endsWith(`.${name}`)) : undefined;
    if (service && !service[1]) continue;
    const own = byOwner.get(dir) ?? [];
    // An app without routes of its own (a worker, a Blazor host apisec reads no route of) is not reported.
    if (!servingOwners.has(dir) && !(servingOwners.has(undefined) && dirs.length === 1)) continue;
    if (libraryEnforces || own.some(enforces)) continue;
    // Minimal hosting first; a Startup class's Configure otherwise.
    const pipelines = own.flatMap((source) => {
      const pipeline = ENTRY.test(source.text) ? pipelineOf(source) : undefined;
      return pipeline ? [{ source, ...pipeline }] : [];
    });
    const pipeline = pipelines.find((each) => each.node.type === 'invocation_expression') ?? pipelines[0];
    if (!pipeline) continue;
    if (deployed()) return [];
    out.push(pipeline);
  }
  return out;
}

/** A literal `https://` authority, or a local one (development keys served by a local identity server). */
function safeAuthority(value: Node | undefined): boolean {
  const text = value?.type === 'string_literal' || value?.type === 'verbatim_string_literal' ? value.text.replace(/^@?"|"$/g, '') : undefined;
  return text !== undefined && /^(https:\/\/|http:\/\/(localhost|127\.0\.0\.1|\[::1\])([:/]|$))/i.test(text);
}

/** `RequireHttpsMetadata = false` in options that fetch metadata (an Authority or MetadataAddress), outside development. */
function csharpHttpMetadata(ctx: CheckContext): InsecureMetadata[] {
  const out: InsecureMetadata[] = [];
  for (const source of ctx.sources) {
    if (source.language !== 'csharp' || isCsTestFile(source.file) || !source.text.includes('RequireHttpsMetadata')) continue;
    walk(source.tree.rootNode, (node) => {
      if (node.type !== 'assignment_expression') return true;
      const left = field(node, 'left');
      const name = left?.type === 'member_access_expression' ? field(left, 'name')?.text : left?.text;
      if (name !== 'RequireHttpsMetadata' || field(node, 'right')?.text !== 'false' || developmentOnly(source, node)) return true;
      // The options being configured: the lambda or object initializer around the assignment.
      let scope: Node | null = node.parent;
      while (scope && scope.type !== 'lambda_expression' && scope.type !== 'initializer_expression' && scope.type !== 'method_declaration') scope = scope.parent;
      if (!scope) return true;
      let authority: Node | undefined;
      let written: Node | undefined;
      walk(scope, (inner) => {
        if (inner.type !== 'assignment_expression') return true;
        const target = field(inner, 'left');
        const property = target?.type === 'member_access_expression' ? field(target, 'name')?.text : target?.text;
        if (property === 'Authority' || property === 'MetadataAddress') {
          written ??= inner;
          if (!safeAuthority(field(inner, 'right'))) authority ??= field(inner, 'right');
        }
        return true;
      });
      // No authority: the keys are configured in code and no metadata is downloaded.
      if (!written || !authority) return true;
      out.push({ source, node, authority: authority.text.replace(/\s+/g, ' ') });
      return true;
    });
  }
  return out;
}

/**
 * ASP.NET Core's transport section: the C# family, which the transport driver does not read, so the provider reads
 * its applications itself (the hosts above and the JWT bearer options), for https-not-enforced.
 */
export const aspnetcoreTransport: TransportProvider = {
  family: 'csharp',
  app: {
    name: 'ASP.NET Core',
    fix: { https: '`app.UseHttpsRedirection()` and `app.UseHsts()` (the latter under `if (!app.Environment.IsDevelopment())`)' },
  },
  https: { apps: csharpHttpsApps, metadataOverHttp: csharpHttpMetadata },
};
