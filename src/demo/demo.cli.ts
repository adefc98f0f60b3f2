import path from 'node:path';
import type { Command } from 'commander';
import { withDatabase } from '../cli/context.ts';
import { createReportLink, reportLinkPath } from '../modules/reports/report-links.service.ts';
import { publicOrigin } from '../modules/reports/reports.cli.ts';
import { DEMO_ORGANISATION, describeHeadline, loadDemo } from './run-demo.ts';

const REPORT_LINK_DAYS = 30;

/** `cwb demo`: the Wigan sample, loaded into the configured database, its figures, and its report page. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'load the seeded Wigan sample (2021/22 and 2022/23), print its headline figures and the address of its report page',
    )
    .option('--dir <dir>', 'where to write the sample files', 'data/sample')
    .action(async (options: { dir: string }) => {
      await withDatabase(async ({ db }) => {
        await loadDemo(db, path.resolve(options.dir), (line) => console.log(line));
        console.log('');
        console.log(await describeHeadline(db, DEMO_ORGANISATION.id, 2022));
        const { token } = await createReportLink(
          db,
          'demo',
          DEMO_ORGANISATION.id,
          2022,
          REPORT_LINK_DAYS,
        );
        console.log('');
        console.log(`The board's report page (start the server with \`npm start\`, then open it):`);
        console.log(`  ${publicOrigin()}${reportLinkPath(token)}`);
        console.log(
          `  a link valid for ${REPORT_LINK_DAYS} days that needs no key; \`npm run cwb -- report --org wigan --year 2022 --out report.xlsx\` writes the workbook`,
        );
      });
    });
}
