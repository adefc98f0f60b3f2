// Writes openapi/openapi.json from the routes' zod schemas: `npm run openapi`.
import { writeFileSync } from 'node:fs';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createPgliteDb, openPglite } from '../src/db/create-db.ts';

// The document depends only on the routes; an empty in-memory database is enough to build them.
const database = createPgliteDb(await openPglite('memory://'));
const app = await buildApp({ config: { ...loadConfig({}), dataDir: 'memory://' }, database });
await app.ready();
const file = new URL('../openapi/openapi.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(app.swagger(), null, 2)}\n`);
await app.close();
await database.close();
console.log(`wrote ${file.pathname}`);
