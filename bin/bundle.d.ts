/** Bundles `entry` (a path from the project root) for plain Node.js; the bundle's file URL (see bundle.js). */
export function bundle(entry: string): Promise<string>;
