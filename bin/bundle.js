// Builds an entry point of the service (src/cli.ts, or a benchmark script) into one ES module
// with esbuild, for plain Node.js to run. Run through tsx instead, every process carried tsx's
// loader thread and the transformed sources: importing the app took 163 MB of memory that way
// and 80 MB bundled. A build takes about 0.1 s, so the command builds at every start and the
// bundle is never older than the sources. The packages stay in node_modules (imported, not
// bundled), and the bundle is written under node_modules/.cache so that it finds them.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'node_modules', '.cache', 'cwb-spend');

/**
 * Each module's `import.meta.url` stays its source file's, as when run from source: the
 * migrations folder, the demo's fixtures and the file-reading worker's source are found beside
 * the sources, not beside the bundle.
 */
const sourceUrls = {
  name: 'source-urls',
  setup(builder) {
    builder.onLoad({ filter: /\.[jt]s$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      const loader = args.path.endsWith('.ts') ? 'ts' : 'js';
      return { contents: source.replaceAll('import.meta.url', url), loader };
    });
  },
};

/**
 * Bundles `entry` (a path from the project root) and returns the bundle's file URL, to import.
 * Two processes building at once do not see each other's half-written file: each writes its
 * own and renames it into place.
 */
export async function bundle(entry) {
  const outfile = path.join(OUT, path.basename(entry).replace(/\.ts$/, '.mjs'));
  const result = await build({
    entryPoints: [path.resolve(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
    plugins: [sourceUrls],
  });
  mkdirSync(OUT, { recursive: true });
  for (const file of result.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
  return pathToFileURL(outfile).href;
}
