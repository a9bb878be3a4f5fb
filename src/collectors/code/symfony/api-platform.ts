import type { Node } from '../../../parsing/parser.js';
import { argumentAt, callArguments, kids, locate, unwrap } from '../php/ast.js';
import { joinPath, normalisePath } from '../php/endpoint.js';
import { parseYaml, yString, type YNode } from '../php/config-files.js';
import { attributeNamed, type PhpAttribute, type PhpClass, type PhpFile, type PhpProject } from '../php/project.js';
import { expressionGrant, type Grant, type SymfonyRoute } from './grants.js';

/** API Platform's operation classes: the HTTP method and whether the operation is on one item. */
const OPERATIONS: Record<string, { method: string; item: boolean }> = {
  Get: { method: 'GET', item: true },
  GetCollection: { method: 'GET', item: false },
  Post: { method: 'POST', item: false },
  Put: { method: 'PUT', item: true },
  Patch: { method: 'PATCH', item: true },
  Delete: { method: 'DELETE', item: true },
};
const DEFAULT_OPERATIONS = ['GetCollection', 'Post', 'Get', 'Put', 'Patch', 'Delete'];

/** English plural as Doctrine's inflector gives it for the common cases of resource names. */
export function plural(word: string): string {
  if (/person$/i.test(word)) return word.replace(/erson$/i, 'eople');
  if (/child$/i.test(word)) return `${word}ren`;
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** `BookReview` → `book_reviews` (API Platform's default underscore generator) or `book-reviews` (the dash one). */
export function pathSegment(shortName: string, dash: boolean): string {
  const separator = dash ? '-' : '_';
  return plural(shortName)
    .replace(/([a-z0-9])([A-Z])/g, `$1${separator}$2`)
    .replace(/[-_]/g, separator)
    .toLowerCase();
}

function stringArg(project: PhpProject, file: PhpFile, args: PhpAttribute['args'], name: string): string | undefined {
  const node = argumentAt(args, 99, name);
  const value = node ? project.evaluate(file, node) : undefined;
  return value?.kind === 'string' ? value.value : undefined;
}

/** Routes of `#[ApiResource]` classes: the explicit `operations`, operation attributes, or the defaults. */
export function apiPlatformRoutes(project: PhpProject, prefix: string, dash: boolean): SymfonyRoute[] {
  const out: SymfonyRoute[] = [];
  for (const file of project.files.values()) {
    for (const cls of file.classes) {
      const resources = cls.attributes.filter((attribute) => attributeNamed(attribute, 'ApiResource') && attribute.name.startsWith('ApiPlatform\\'));
      for (const resource of resources) out.push(...resourceRoutes(project, file, cls, resource, prefix, dash));
    }
  }
  return out;
}

function resourceRoutes(project: PhpProject, file: PhpFile, cls: PhpClass, resource: PhpAttribute, prefix: string, dash: boolean): SymfonyRoute[] {
  const shortName = stringArg(project, file, resource.args, 'shortName') ?? cls.name;
  const routePrefix = stringArg(project, file, resource.args, 'routePrefix') ?? '';
  const resourceTemplate = stringArg(project, file, resource.args, 'uriTemplate');
  const security = stringArg(project, file, resource.args, 'security');
  const collection = joinPath(prefix, routePrefix, pathSegment(shortName, dash));
  const operations: { name: string; args: PhpAttribute['args']; node: Node }[] = [];
  const list = argumentAt(resource.args, 99, 'operations');
  if (list && unwrap(list).type === 'array_creation_expression') {
    for (const element of kids(unwrap(list))) {
      const value = kids(element).pop();
      if (value?.type !== 'object_creation_expression') continue;
      const nameNode = kids(value).find((child) => child.type === 'name' || child.type === 'qualified_name');
      const name = nameNode?.text.slice(nameNode.text.lastIndexOf('\\') + 1);
      if (name && OPERATIONS[name]) operations.push({ name, args: callArguments(value), node: value });
    }
  } else {
    // Operation attributes beside the resource (`#[Get] #[Post]`) replace the defaults.
    for (const attribute of cls.attributes) {
      const name = attribute.name.slice(attribute.name.lastIndexOf('\\') + 1);
      if (attribute.name.startsWith('ApiPlatform\\Metadata\\') && OPERATIONS[name]) operations.push({ name, args: attribute.args, node: attribute.node });
    }
    if (operations.length === 0) for (const name of DEFAULT_OPERATIONS) operations.push({ name, args: [], node: resource.node });
  }
  const out: SymfonyRoute[] = [];
  for (const operation of operations) {
    const shape = OPERATIONS[operation.name];
    if (!shape) continue;
    const template = stringArg(project, file, operation.args, 'uriTemplate') ?? resourceTemplate;
    const routePath = template !== undefined ? joinPath(prefix, routePrefix, template.replace(/(?:\.\{_format\}|\{\._format\})$/, '')) : shape.item ? `${collection}/{id}` : collection;
    const expression = stringArg(project, file, operation.args, 'security') ?? security;
    const where = locate(file.source.file, operation.node);
    const grants: Grant[] = expression !== undefined ? [expressionGrant(expression, where)] : [];
    out.push({ methods: [shape.method], path: normalisePath(routePath), location: where, grants });
  }
  return out;
}

/**
 * Resources declared in YAML (`config/api_platform/*.yaml`, API Platform 3):
 *
 *     resources:
 *       App\Entity\Book:
 *         security: "is_granted('ROLE_USER')"
 *         operations:
 *           ApiPlatform\Metadata\Get: { security: "is_granted('ROLE_USER') and object.owner == user" }
 *           book_patch: { class: ApiPlatform\Metadata\Patch, uriTemplate: /books/{id}/title }
 *
 * A resource without `operations` gets the default ones; `~` keeps an operation's defaults.
 */
export function apiPlatformYamlRoutes(files: readonly { file: string; text: string }[], prefix: string, dash: boolean): SymfonyRoute[] {
  const out: SymfonyRoute[] = [];
  for (const { file, text } of files) {
    const resources = parseYaml(text).root?.map?.get('resources')?.map;
    for (const [fqn, resource] of resources ?? []) {
      const options = resource.map;
      const shortName = yString(options?.get('shortName')) ?? fqn.slice(fqn.lastIndexOf('\\') + 1);
      const routePrefix = yString(options?.get('routePrefix')) ?? '';
      const security = yString(options?.get('security'));
      const collection = joinPath(prefix, routePrefix, pathSegment(shortName, dash));
      const declared = options?.get('operations')?.map;
      const operations: { name: string; node?: YNode; line: number }[] = declared
        ? [...declared].flatMap(([key, value]) => {
            const className = yString(value.map?.get('class')) ?? key;
            const name = className.slice(className.lastIndexOf('\\') + 1);
            return OPERATIONS[name] ? [{ name, node: value, line: value.keyLine ?? value.line }] : [];
          })
        : DEFAULT_OPERATIONS.map((name) => ({ name, line: resource.keyLine ?? resource.line }));
      for (const operation of operations) {
        const shape = OPERATIONS[operation.name];
        if (!shape) continue;
        const template = yString(operation.node?.map?.get('uriTemplate')) ?? yString(options?.get('uriTemplate'));
        const routePath = template !== undefined ? joinPath(prefix, routePrefix, template.replace(/(?:\.\{_format\}|\{\._format\})$/, '')) : shape.item ? `${collection}/{id}` : collection;
        const expression = yString(operation.node?.map?.get('security')) ?? security;
        const where = { file, line: operation.line };
        out.push({ methods: [shape.method], path: normalisePath(routePath), location: where, grants: expression !== undefined ? [expressionGrant(expression, where)] : [] });
      }
    }
  }
  return out;
}

/** One XML element: its name, attributes (entities decoded), 1-based line and children. */
interface XmlElement {
  name: string;
  attributes: Map<string, string>;
  line: number;
  children: XmlElement[];
}

function decodeXml(value: string): string {
  return value.replace(/&(quot|apos|lt|gt|amp|#\d+|#x[0-9a-f]+);/gi, (entity: string, name: string) => {
    const lower = name.toLowerCase();
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'amp') return '&';
    const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : entity;
  });
}

/**
 * The elements of an XML document (comments, processing instructions, CDATA and text skipped). Tolerant:
 * an unclosed element ends with its parent, a stray closing tag is ignored; a malformed file gives what it can.
 */
function xmlElements(text: string): XmlElement[] {
  const root: XmlElement = { name: '', attributes: new Map(), line: 0, children: [] };
  const stack: XmlElement[] = [root];
  const tag = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  let line = 1;
  let last = 0;
  for (let match = tag.exec(text); match; match = tag.exec(text)) {
    for (let i = last; i < match.index; i += 1) if (text.charCodeAt(i) === 10) line += 1;
    last = match.index;
    const [, closing, name, attributeText, selfClosing] = match;
    if (!name) continue;
    if (closing) {
      const index = stack.map((element) => element.name).lastIndexOf(name);
      if (index > 0) stack.length = index;
      continue;
    }
    const attributes = new Map<string, string>();
    for (const attribute of (attributeText ?? '').matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attributes.set(attribute[1] ?? '', decodeXml(attribute[2] ?? attribute[3] ?? ''));
    }
    const element: XmlElement = { name: name.replace(/^[\w.-]+:/, ''), attributes, line, children: [] };
    stack[stack.length - 1]?.children.push(element);
    if (!selfClosing) stack.push(element);
  }
  return root.children;
}

/**
 * Resources declared in XML (`config/api_platform/*.xml`, API Platform 3 and 4):
 *
 *     <resources xmlns="https://api-platform.com/schema/metadata/resources-3.0">
 *       <resource class="App\Entity\Book" security="is_granted('ROLE_USER')">
 *         <operations>
 *           <operation class="ApiPlatform\Metadata\Get" security="object.owner == user"/>
 *           <operation class="ApiPlatform\Metadata\Patch" uriTemplate="/books/{id}/title"/>
 *         </operations>
 *       </resource>
 *     </resources>
 *
 * The same routes and security handling as the YAML form: a resource without `<operations>` gets the defaults.
 */
export function apiPlatformXmlRoutes(files: readonly { file: string; text: string }[], prefix: string, dash: boolean): SymfonyRoute[] {
  const out: SymfonyRoute[] = [];
  for (const { file, text } of files) {
    for (const resources of xmlElements(text).filter((element) => element.name === 'resources')) {
      for (const resource of resources.children.filter((element) => element.name === 'resource')) {
        const fqn = resource.attributes.get('class') ?? '';
        const shortName = resource.attributes.get('shortName') ?? fqn.slice(fqn.lastIndexOf('\\') + 1);
        if (!shortName) continue;
        const routePrefix = resource.attributes.get('routePrefix') ?? '';
        const security = resource.attributes.get('security');
        const collection = joinPath(prefix, routePrefix, pathSegment(shortName, dash));
        const declared = resource.children.find((element) => element.name === 'operations');
        const operations: { name: string; element?: XmlElement; line: number }[] = declared
          ? declared.children.flatMap((element) => {
              const className = element.name === 'operation' ? (element.attributes.get('class') ?? '') : '';
              const name = className.slice(className.lastIndexOf('\\') + 1);
              return OPERATIONS[name] ? [{ name, element, line: element.line }] : [];
            })
          : DEFAULT_OPERATIONS.map((name) => ({ name, line: resource.line }));
        for (const operation of operations) {
          const shape = OPERATIONS[operation.name];
          if (!shape) continue;
          const template = operation.element?.attributes.get('uriTemplate') ?? resource.attributes.get('uriTemplate');
          const routePath = template !== undefined ? joinPath(prefix, routePrefix, template.replace(/(?:\.\{_format\}|\{\._format\})$/, '')) : shape.item ? `${collection}/{id}` : collection;
          const expression = operation.element?.attributes.get('security') ?? security;
          const where = { file, line: operation.line };
          out.push({ methods: [shape.method], path: normalisePath(routePath), location: where, grants: expression !== undefined ? [expressionGrant(expression, where)] : [] });
        }
      }
    }
  }
  return out;
}
