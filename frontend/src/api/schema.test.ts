// The committed src/api/schema.d.ts is what openapi-typescript makes of docs/openapi.yaml today:
// regenerated in memory and compared, so a schema change without `npm run gen:api` fails here.

import { readFile } from 'node:fs/promises';
import { generateFromFile, OUTPUT_PATH } from 'distillery-api-gen';
import { expect, it } from 'vitest';

it('src/api/schema.d.ts is up to date with docs/openapi.yaml (else run `npm run gen:api`)', async () => {
  const committed = await readFile(OUTPUT_PATH, 'utf8');
  const fresh = await generateFromFile();
  expect(committed === fresh, 'src/api/schema.d.ts is stale: run `npm run gen:api` in frontend/').toBe(true);
});
