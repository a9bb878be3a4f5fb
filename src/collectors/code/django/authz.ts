import type { Node, Tree } from 'web-tree-sitter';
import { refersToCaller } from '../../../analysis/code-authz.js';
import { nodesOfType } from '../../../analysis/code.js';
import type { SourceFile } from '../../../engine/context.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { AuthzProvider, AuthzScope, ObjectEvidence } from '../plugin.js';
import type { HandlerScope } from '../../../analysis/code-authz.js';
import type { Endpoint } from '../../../model/types.js';

const PERMISSION_CLASSES = /^\s*permission_classes\s*=/;
const QUERYSET = /^\s*queryset\s*=/;
/** Generic views whose `queryset` attribute serves single objects by id. */
const DETAIL_VIEWS = /ViewSet|RetrieveAPIView|UpdateAPIView|DestroyAPIView|RetrieveUpdate\w*APIView|GenericAPIView|DetailView|UpdateView|DeleteView/;

function enclosingClass(node: Node): Node | undefined {
  for (let current = parentOf(node); current; current = parentOf(current)) if (current.type === 'class_definition') return current;
  return undefined;
}

function classBody(node: Node): Node | undefined {
  const cls = node.type === 'class_definition' ? node : node.type === 'decorated_definition' ? node.childForFieldName('definition') : enclosingClass(node);
  return cls?.type === 'class_definition' ? (cls.childForFieldName('body') ?? undefined) : undefined;
}

interface BodyFacts {
  /** The first method of each name. */
  methods: Map<string, Node>;
  /** The first `permission_classes = …` / `queryset = …` statement. */
  permissions: Node | undefined;
  queryset: Node | undefined;
}

const bodyFacts = new WeakMap<Tree, Map<number, BodyFacts>>();

/** A class body's methods and settings, read once per class (every endpoint of a view asks; a long ViewSet made that quadratic). */
function factsOfBody(body: Node): BodyFacts {
  let byBody = bodyFacts.get(body.tree);
  if (!byBody) {
    byBody = new Map();
    bodyFacts.set(body.tree, byBody);
  }
  let facts = byBody.get(body.id);
  if (!facts) {
    facts = { methods: new Map(), permissions: undefined, queryset: undefined };
    for (const child of body.namedChildren) {
      const fn = child?.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
      const name = fn?.type === 'function_definition' ? fn.childForFieldName('name')?.text : undefined;
      if (fn && name !== undefined && !facts.methods.has(name)) facts.methods.set(name, fn);
      if (!child || (facts.permissions && facts.queryset)) continue;
      const text = child.text;
      if (!facts.permissions && PERMISSION_CLASSES.test(text)) facts.permissions = child;
      if (!facts.queryset && QUERYSET.test(text)) facts.queryset = child;
    }
    byBody.set(body.id, facts);
  }
  return facts;
}

function methodNamed(body: Node, name: string): Node | undefined {
  return factsOfBody(body).methods.get(name);
}

function classHasObjectPermission(source: SourceFile, name: string): boolean {
  for (const cls of nodesOfType(source, ['class_definition'])) {
    if (cls.childForFieldName('name')?.text !== name) continue;
    const body = cls.childForFieldName('body');
    if (body && methodNamed(body, 'has_object_permission')) return true;
  }
  return false;
}

/** The view class's `permission_classes = [...]` (the handler's own class, or the class itself). */
function guards(_scope: AuthzScope, _endpoint: Endpoint, handler: Node): string[] {
  const owner = handler.type === 'class_definition' ? handler : enclosingClass(handler);
  const body = owner?.childForFieldName('body');
  const permissions = body ? factsOfBody(body).permissions : undefined;
  return permissions ? [permissions.text] : [];
}

/** Class-based views: `get_queryset` scoping, `get_object` checks, object permissions, `queryset = X.objects.all()`. */
function objectEvidence(_scope: AuthzScope, handler: HandlerScope, callers: ReadonlySet<string>): ObjectEvidence {
  const body = classBody(handler.node);
  if (!body) return {};
  const getQueryset = methodNamed(body, 'get_queryset');
  if (getQueryset && refersToCaller(getQueryset, new Set([...callers, 'user']))) return { guard: '`get_queryset()` filters by `request.user`' };
  const getObject = methodNamed(body, 'get_object');
  if (getObject && /check_object_permissions|raise|PermissionDenied|Http404/.test(getObject.text) && refersToCaller(getObject, callers)) {
    return { guard: '`get_object()` checks the caller' };
  }
  const { permissions, queryset } = factsOfBody(body);
  if (permissions) {
    for (const name of permissions.text.match(/\b[A-Z]\w+/g) ?? []) {
      if (/Owner|ObjectPermission|IsSelf|IsCreator|IsAuthor|IsMember/.test(name) || classHasObjectPermission(handler.source, name)) {
        return { guard: `\`${name}.has_object_permission\`` };
      }
    }
  }
  if (getQueryset) return {};
  const bases = parentOf(body)?.childForFieldName('superclasses')?.text ?? '';
  if (queryset && DETAIL_VIEWS.test(bases)) {
    const model = /\b([A-Z]\w*)\.objects\b/.exec(queryset.text)?.[1];
    return { unscoped: queryset, ...(model ? { unscopedModel: model } : {}) };
  }
  return {};
}

/** Django and Django REST framework: class-based views' permission classes and queryset scoping. */
export const djangoAuthz: AuthzProvider = {
  frameworks: ['django'],
  guards,
  objectEvidence,
  rejections: ['PermissionDenied'],
};
