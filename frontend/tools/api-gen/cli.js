// `npm run gen:api`: writes src/api/schema.d.ts from docs/openapi.yaml.

import { writeFile } from 'node:fs/promises';
import { OUTPUT_PATH, generateFromFile } from './index.js';

await writeFile(OUTPUT_PATH, await generateFromFile());
console.log(`wrote ${OUTPUT_PATH}`);
