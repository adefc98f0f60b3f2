#!/usr/bin/env node
// The `cwb` command: the TypeScript CLI, bundled at each start (bundle.js) and run by plain Node.js.
import { bundle } from './bundle.js';

const { runCli } = await import(await bundle('src/cli.ts'));
await runCli(process.argv);
