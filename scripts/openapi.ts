// `npm run openapi`: writes docs/openapi.json from the request schema and the error table.
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../lambda/contract/openapi';

writeFileSync('docs/openapi.json', `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log('written to docs/openapi.json');
