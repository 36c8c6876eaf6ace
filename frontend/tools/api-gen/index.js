// Turns docs/openapi.yaml into the TypeScript declarations in src/api/schema.d.ts. Used by
// `npm run gen:api` (cli.js) and by src/api/schema.test.ts, which regenerates in memory and fails
// when the committed file is stale.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

/** docs/openapi.yaml, the schema the server's drf-spectacular writes. */
export const SCHEMA_PATH = fileURLToPath(new URL('../../../docs/openapi.yaml', import.meta.url));

/** The generated declarations, committed. */
export const OUTPUT_PATH = fileURLToPath(new URL('../../src/api/schema.d.ts', import.meta.url));

const HEADER = `// Generated from docs/openapi.yaml by openapi-typescript: do not edit by hand.
// Regenerate with \`npm run gen:api\` (frontend/); src/api/schema.test.ts fails when this is stale.

`;

/** The declarations for the OpenAPI document `yaml` (the text of docs/openapi.yaml). */
export async function generateSchemaTypes(yaml) {
  const ast = await openapiTS(yaml, { defaultNonNullable: false, silent: true });
  return HEADER + astToString(ast);
}

/** The declarations for the schema file as it is on disk now. */
export async function generateFromFile(path = SCHEMA_PATH) {
  return generateSchemaTypes(await readFile(path, 'utf8'));
}
