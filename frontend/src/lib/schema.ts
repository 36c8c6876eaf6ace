// Adjusts a pydantic-generated JSON Schema before @rjsf/core renders it. rjsf resolves the $defs
// and $ref itself; what it renders badly is pydantic's Optional[X] (anyOf [X, null]), which
// becomes an "Option 1 / Option 2" picker. Folding it into `type: [X, "null"]` gives a plain input
// that may be left empty; a nullable list of strings folds the same way (the form draws it as a
// one-per-line text area, see stringListPaths). A property that is only a $ref would be titled with the class name
// ("TrainingConfig"); it gets a title from its own name ("Training") instead.

import type { JsonSchema } from '../api/types';

type Node = Record<string, unknown>;

export function prepareSchema(schema: JsonSchema): JsonSchema {
  return transform(schema) as JsonSchema;
}

function transform(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(transform);
  if (!isNode(value)) return value;
  const node: Node = {};
  for (const [key, inner] of Object.entries(value)) node[key] = transform(inner);
  if (isNode(node.properties)) node.properties = titleReferences(node.properties);
  return foldNullable(node);
}

function titleReferences(properties: Node): Node {
  const titled: Node = {};
  for (const [name, property] of Object.entries(properties)) {
    titled[name] = isNode(property) && typeof property.$ref === 'string' && property.title === undefined
      ? { ...property, title: humanize(name) }
      : property;
  }
  return titled;
}

/** "kd_loss" -> "Kd loss", the way pydantic titles plain fields, minus its capitalised words. */
function humanize(name: string): string {
  const words = name.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function foldNullable(node: Node): Node {
  const anyOf = node.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return node;
  const nullIndex = anyOf.findIndex((option) => isNode(option) && option.type === 'null' && Object.keys(option).length === 1);
  if (nullIndex === -1) return node;
  const other = anyOf[1 - nullIndex];
  if (!isNode(other) || typeof other.type !== 'string' || other.type === 'object') return node;
  if (other.type === 'array' && !isStringList(other)) return node;
  const { anyOf: _dropped, ...rest } = node;
  const folded: Node = { ...other, ...rest, type: [other.type, 'null'] };
  if (Array.isArray(other.enum)) folded.enum = [...other.enum, null];
  return folded;
}

/** A list of plain strings (LoRA target modules), nullable or not: drawn as one value per line. */
export function isStringList(node: unknown): boolean {
  if (!isNode(node)) return false;
  const types = Array.isArray(node.type) ? node.type : [node.type];
  const items = node.items;
  return types.includes('array') && types.every((t) => t === 'array' || t === 'null')
    && isNode(items) && items.type === 'string' && items.enum === undefined;
}

/**
 * Dotted paths of the string-list fields of a (prepared) schema, following $ref into nested
 * objects: the form gives each a one-per-line text area instead of rjsf's add/remove rows.
 */
export function stringListPaths(schema: JsonSchema): string[][] {
  const found: string[][] = [];
  const visit = (node: unknown, path: string[], depth: number) => {
    if (depth > 16 || !isNode(node)) return;
    const resolved = typeof node.$ref === 'string' ? resolveRef(schema, node.$ref) : node;
    if (!isNode(resolved)) return;
    if (isStringList(resolved)) {
      found.push(path);
      return;
    }
    if (!isNode(resolved.properties)) return;
    for (const [name, property] of Object.entries(resolved.properties)) visit(property, [...path, name], depth + 1);
  };
  visit(schema, [], 0);
  return found;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a dotted config path ("training.max_steps") names a field the schema defines, following
 * $ref, allOf/anyOf/oneOf, array items and additionalProperties. A server error on a path that
 * the form does not render (an unknown key, say) has to be shown somewhere else.
 */
export function schemaHasPath(schema: JsonSchema, path: readonly string[]): boolean {
  return walk(schema, schema, path, 0);
}

function walk(root: JsonSchema, node: unknown, path: readonly string[], depth: number): boolean {
  if (depth > 32 || !isNode(node)) return false;
  if (typeof node.$ref === 'string') {
    const target = resolveRef(root, node.$ref);
    if (target && walk(root, target, path, depth + 1)) return true;
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches) && branches.some((branch) => walk(root, branch, path, depth + 1))) return true;
  }
  if (path.length === 0) return true;
  const [head, ...rest] = path as [string, ...string[]];
  const properties = node.properties;
  if (isNode(properties) && head in properties) return walk(root, properties[head], rest, depth + 1);
  if (/^\d+$/.test(head) && node.items !== undefined) return walk(root, node.items, rest, depth + 1);
  if (isNode(node.additionalProperties)) return walk(root, node.additionalProperties, rest, depth + 1);
  return false;
}

function resolveRef(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  return ref
    .slice(1)
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (isNode(node) ? node[part] : undefined), root);
}
