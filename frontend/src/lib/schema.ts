// Adjusts a pydantic-generated JSON Schema before @rjsf/core renders it. rjsf resolves the $defs
// and $ref itself; what it renders badly is pydantic's Optional[X] (anyOf [X, null]), which
// becomes an "Option 1 / Option 2" picker. Folding it into `type: [X, "null"]` gives a plain input
// that may be left empty.

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
  return foldNullable(node);
}

function foldNullable(node: Node): Node {
  const anyOf = node.anyOf;
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return node;
  const nullIndex = anyOf.findIndex((option) => isNode(option) && option.type === 'null' && Object.keys(option).length === 1);
  if (nullIndex === -1) return node;
  const other = anyOf[1 - nullIndex];
  if (!isNode(other) || typeof other.type !== 'string' || other.type === 'object' || other.type === 'array') return node;
  const { anyOf: _dropped, ...rest } = node;
  const folded: Node = { ...other, ...rest, type: [other.type, 'null'] };
  if (Array.isArray(other.enum)) folded.enum = [...other.enum, null];
  return folded;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
