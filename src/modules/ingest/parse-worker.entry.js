// The entry of the file-reading worker (parse-in-worker.ts). A worker thread does not inherit
// the tsx loader the process was started with (npm start, bin/cwb.js, vitest), so it loads the
// TypeScript through tsx itself, as bin/cwb.js does.
import { register } from 'tsx/esm/api';

register();
await import('./parse-worker.ts');
