import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CLI_ACTOR, CliError, parseWith, withDatabase } from '../../cli/context.ts';
import { loadConfig } from '../../config.ts';
import { yearSchema } from '../suppliers/suppliers.schemas.ts';
import { renderReportCsv } from './report-csv.ts';
import { renderReportHtml } from './report-html.ts';
import { createReportLink, reportLinkPath } from './report-links.service.ts';
import { renderReportXlsx } from './report-xlsx.ts';
import {
  REPORT_FORMATS,
  REPORT_TABLES,
  type ReportFormat,
  type ReportTable,
} from './reports.schemas.ts';
import { getAnnualReport } from './reports.service.ts';

interface ReportOptions {
  org: string;
  year: string;
  format?: string;
  out?: string;
  table?: string;
  link?: boolean;
  days: string;
}

/** The address links are handed out under, for the CLI (which has no request to ask). */
export function publicOrigin(): string {
  const config = loadConfig();
  return config.publicUrl ?? `http://localhost:${config.port}`;
}

/** `cwb report --org ID --year Y [--format html|json|csv|xlsx] [--out FILE] [--link]`. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      "write an organisation's annual report (page, JSON, CSV or workbook), or make a link to it",
    )
    .requiredOption('--org <id>', 'the organisation')
    .requiredOption('--year <year>', 'financial year by its first calendar year: 2022 = 2022/23')
    .option('--format <format>', `${REPORT_FORMATS.join(' | ')} (default: from --out, else json)`)
    .option('--out <file>', 'write here instead of standard output (needed for xlsx)')
    .option('--table <table>', `csv only: one table alone (${REPORT_TABLES.join(', ')})`)
    .option('--link', 'instead: print a link that opens the report page without a key')
    .option('--days <days>', 'with --link: how long it stays valid', '30')
    .action(async (o: ReportOptions) => {
      const year = parseWith(yearSchema, o.year);
      if (o.link) {
        const days = Number(o.days);
        if (!Number.isInteger(days) || days < 1 || days > 366)
          throw new CliError(`--days: must be a whole number from 1 to 366 (got "${o.days}")`);
        const { token, link } = await withDatabase(({ db }) =>
          createReportLink(db, CLI_ACTOR, o.org, year, days),
        );
        process.stderr.write(`report link ${link.prefix}, valid until ${link.expiresAt}:\n`);
        console.log(`${publicOrigin()}${reportLinkPath(token)}`);
        return;
      }
      const format = chooseFormat(o.format, o.out);
      if (o.table !== undefined && !(REPORT_TABLES as readonly string[]).includes(o.table))
        throw new CliError(
          `--table: must be one of ${REPORT_TABLES.join(', ')} (got "${o.table}")`,
        );
      if (format === 'xlsx' && o.out === undefined)
        throw new CliError('--out: a workbook needs a file to go to');
      const report = await withDatabase(({ db }) => getAnnualReport(db, o.org, year));
      const body =
        format === 'json'
          ? `${JSON.stringify(report, null, 2)}\n`
          : format === 'html'
            ? renderReportHtml(report)
            : format === 'csv'
              ? renderReportCsv(report, o.table as ReportTable | undefined)
              : await renderReportXlsx(report);
      if (o.out === undefined) {
        process.stdout.write(body);
        return;
      }
      writeFileSync(o.out, body);
      process.stderr.write(
        `${report.organisation.name} ${report.label}: ${format} written to ${o.out}\n`,
      );
    });
}

function chooseFormat(format: string | undefined, out: string | undefined): ReportFormat {
  const wanted = format ?? (out ? path.extname(out).slice(1).toLowerCase() : 'json');
  const known = wanted === 'htm' ? 'html' : wanted;
  if (!(REPORT_FORMATS as readonly string[]).includes(known))
    throw new CliError(`--format: must be one of ${REPORT_FORMATS.join(', ')} (got "${wanted}")`);
  return known as ReportFormat;
}
