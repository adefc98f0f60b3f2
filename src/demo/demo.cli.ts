import path from 'node:path';
import type { Command } from 'commander';
import { withDatabase } from '../cli/context.ts';
import { DEMO_ORGANISATION, describeHeadline, loadDemo } from './run-demo.ts';

/** `cwb demo`: the Wigan sample, loaded into the configured database, and its figures. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'load the seeded Wigan sample (2021/22 and 2022/23) and print its headline figures',
    )
    .option('--dir <dir>', 'where to write the sample files', 'data/sample')
    .action(async (options: { dir: string }) => {
      await withDatabase(async ({ db }) => {
        await loadDemo(db, path.resolve(options.dir), (line) => console.log(line));
        console.log('');
        console.log(await describeHeadline(db, DEMO_ORGANISATION.id, 2022));
      });
    });
}
