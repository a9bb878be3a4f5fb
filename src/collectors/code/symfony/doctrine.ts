/**
 * Doctrine ORM as Symfony applications map it: which entities belong to a user (a `ManyToOne` /
 * `OneToOne` relation to the user class, an owner, a team, an organisation…), and which entity a
 * repository class serves (`ServiceEntityRepository` constructed with `Post::class`, or the entity's
 * `repositoryClass`). Attributes (`#[ORM\ManyToOne(targetEntity: User::class)]`, a typed property) and
 * docblock annotations (`@ORM\ManyToOne(targetEntity="App\Entity\User")`) are both read.
 */
import type { Node } from '../../../parsing/parser.js';
import { argumentAt, field, kids } from '../php/ast.js';
import { docAnnotations } from '../php/docblock.js';
import { attributeNamed, attributesOf, docblockOf, type PhpClass, type PhpProject } from '../php/project.js';

const OWNER = /^(user|owner|author|creator|createdBy|account|organization|organisation|org|tenant|customer|member|team|company|workspace|client|holder)$/i;
const RELATIONS = ['ManyToOne', 'OneToOne'];
const USER_INTERFACE = 'Symfony\\Component\\Security\\Core\\User\\UserInterface';

export interface DoctrineModel {
  /** Entity classes (fully qualified) that carry an owner relation. */
  owned: Set<string>;
  /** Repository class (fully qualified) → the entity it serves. */
  repositories: Map<string, string>;
  /** Every entity class (fully qualified). */
  entities: Set<string>;
}

function isEntity(project: PhpProject, cls: PhpClass): boolean {
  if (cls.attributes.some((attribute) => attributeNamed(attribute, 'Entity') && /(^|\\)(ORM|Mapping)\\Entity$|^Entity$/.test(attribute.name))) return true;
  const doc = docblockOf(cls.node)?.text ?? '';
  return doc !== '' && docAnnotations(doc).some((annotation) => /^(ORM\\)?Entity$/.test(annotation.name));
}

function shortName(fqn: string): string {
  return fqn.slice(fqn.lastIndexOf('\\') + 1);
}

/** The user class: it implements Symfony's `UserInterface` (directly or through a parent). */
function isUserClass(project: PhpProject, fqn: string): boolean {
  const cls = project.classOf(fqn);
  if (!cls) return false;
  return project.ancestry(cls).chain.some((current) => current.interfaces.some((iface) => iface === USER_INTERFACE || /\\(PasswordAuthenticatedUser|User)Interface$/.test(iface) && iface.startsWith('Symfony\\')));
}

/** `(property name, target entity)` of each to-one relation of an entity class. */
function relations(project: PhpProject, cls: PhpClass): { name: string; target?: string }[] {
  const out: { name: string; target?: string }[] = [];
  const body = field(cls.node, 'body');
  for (const member of body ? kids(body) : []) {
    if (member.type !== 'property_declaration') continue;
    const variable = kids(member)
      .find((part) => part.type === 'property_element')
      ?.namedChildren.find((part) => part?.type === 'variable_name')
      ?.text.replace(/^\$/, '');
    if (!variable) continue;
    const declaredType = field(member, 'type')?.text.replace(/^\?/, '').split('|')[0]?.trim();
    const attributes = attributesOf(member, cls.file, project);
    const relation = attributes.find((attribute) => RELATIONS.some((name) => attributeNamed(attribute, name)));
    if (relation) {
      const targetNode = argumentAt(relation.args, 0, 'targetEntity');
      const value = targetNode ? project.evaluate(cls.file, targetNode) : undefined;
      const target = value?.kind === 'class' ? value.fqn : value?.kind === 'string' ? value.value : declaredType ? project.resolveName(cls.file, declaredType, cls) : undefined;
      out.push({ name: variable, ...(target ? { target } : {}) });
      continue;
    }
    const doc = docblockOf(member)?.text ?? '';
    if (!doc.includes('ToOne')) continue;
    for (const annotation of docAnnotations(doc)) {
      if (!RELATIONS.some((name) => annotation.name === name || annotation.name.endsWith(`\\${name}`))) continue;
      const raw = annotation.named.get('targetEntity');
      const written = typeof raw === 'string' ? raw : undefined;
      const target = written ? project.resolveName(cls.file, written.replace(/::class$/, ''), cls) : undefined;
      out.push({ name: variable, ...(target ? { target } : {}) });
    }
  }
  return out;
}

/** The entity a `ServiceEntityRepository` subclass serves: `parent::__construct($registry, Post::class)`. */
function repositoryEntity(project: PhpProject, cls: PhpClass): string | undefined {
  const constructor = cls.methods.get('__construct');
  if (!constructor) return undefined;
  let found: string | undefined;
  const visit = (node: Node): void => {
    if (found) return;
    if (node.type === 'scoped_call_expression' && field(node, 'scope')?.text === 'parent' && field(node, 'name')?.text === '__construct') {
      const args = kids(field(node, 'arguments') ?? node).filter((child) => child.type === 'argument');
      const second = args[1] ? kids(args[1]).pop() : undefined;
      const value = second ? project.evaluate(cls.file, second) : undefined;
      if (value?.kind === 'class') found = value.fqn;
      else if (value?.kind === 'string') found = value.value.replace(/^\\/, '');
      return;
    }
    for (const child of kids(node)) visit(child);
  };
  visit(constructor);
  return found;
}

export function doctrineModel(project: PhpProject): DoctrineModel {
  const model: DoctrineModel = { owned: new Set(), repositories: new Map(), entities: new Set() };
  for (const cls of project.classes.values()) {
    if (cls.node.type !== 'class_declaration') continue;
    if (isEntity(project, cls)) {
      model.entities.add(cls.fqn);
      // An entity that belongs to a user, an owner, a team or a tenant.
      if (relations(project, cls).some((relation) => OWNER.test(relation.name) || (relation.target !== undefined && (OWNER.test(shortName(relation.target)) || isUserClass(project, relation.target))))) model.owned.add(cls.fqn);
      const repository = cls.attributes.find((attribute) => attributeNamed(attribute, 'Entity'));
      const repositoryNode = repository ? argumentAt(repository.args, 99, 'repositoryClass') : undefined;
      const value = repositoryNode ? project.evaluate(cls.file, repositoryNode) : undefined;
      if (value?.kind === 'class') model.repositories.set(value.fqn, cls.fqn);
    }
    const served = repositoryEntity(project, cls);
    if (served) model.repositories.set(cls.fqn, project.classOf(served)?.fqn ?? served);
  }
  return model;
}
