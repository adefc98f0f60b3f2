import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { principalOf, refuseIfLimited } from '../../http/auth.ts';
import { notFound, problemSchema } from '../../http/problem.ts';
import { orgParamsSchema } from '../organisations/organisations.schemas.ts';
import { yearSchema } from '../suppliers/suppliers.schemas.ts';
import { chooseFormat, CONTENT_TYPES } from '../../exports/negotiate.ts';
import { renderReportCsv } from './report-csv.ts';
import { REPORT_HTML_HEADERS, renderReportHtml } from './report-html.ts';
import {
  createReportLink,
  listReportLinks,
  reportLinkPath,
  resolveReportToken,
  revokeReportLink,
} from './report-links.service.ts';
import { renderReportXlsx } from './report-xlsx.ts';
import {
  annualReportSchema,
  REPORT_FORMATS,
  reportQuerySchema,
  type AnnualReport,
  type ReportFormat,
  type ReportTable,
} from './reports.schemas.ts';
import { getAnnualReport } from './reports.service.ts';

const tags = ['reports'];

const linkSchema = z
  .object({
    id: z.string(),
    prefix: z.string().describe('the start of the token, to tell links apart'),
    organisation: z.string(),
    year: z.number().int(),
    createdBy: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ReportLink' });

/** Sends the report in the form asked for. */
async function sendReport(
  reply: FastifyReply,
  report: AnnualReport,
  format: ReportFormat,
  table: ReportTable | undefined,
) {
  const base = `${report.organisation.id}-annual-report-${report.label.replace('/', '-')}`;
  const download = (extension: string) =>
    reply.header(
      'content-disposition',
      `attachment; filename="${base}${table ? `-${table}` : ''}.${extension}"`,
    );
  reply.header('vary', 'Accept');
  switch (format) {
    case 'json':
      return reply.send(report);
    case 'html':
      return reply
        .headers(REPORT_HTML_HEADERS)
        .type('text/html; charset=utf-8')
        .send(renderReportHtml(report));
    case 'csv':
      download('csv');
      return reply.type('text/csv; charset=utf-8').send(renderReportCsv(report, table));
    case 'xlsx':
      download('xlsx');
      return reply.type(CONTENT_TYPES.xlsx).send(await renderReportXlsx(report));
  }
}

export const reportRoutes: FastifyPluginAsyncZod<{
  db: Kysely<DB>;
  publicUrl: string | undefined;
}> = async (app, { db, publicUrl }) => {
  app.get(
    '/v1/organisations/:org/reports/annual',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary: 'The annual report: JSON, a board-ready page (Accept: text/html), CSV or xlsx',
        description:
          'Content negotiation: application/json (default), text/html (a self-contained page with SVG charts ' +
          'that prints on A4), text/csv (every table, or ?table= one), ' +
          `${CONTENT_TYPES.xlsx} (a workbook, a sheet per table). ?format= overrides the Accept header.`,
        params: orgParamsSchema,
        querystring: reportQuerySchema,
        response: { 200: annualReportSchema, 404: problemSchema, 406: problemSchema },
      },
    },
    async (request, reply) => {
      const { year, format, table } = request.query;
      const chosen = chooseFormat(format, request.headers.accept, REPORT_FORMATS);
      return sendReport(reply, await getAnnualReport(db, request.params.org, year), chosen, table);
    },
  );

  app.post(
    '/v1/organisations/:org/reports/annual/links',
    {
      config: { access: 'org:write' },
      schema: {
        tags,
        summary: "A link that opens the year's report page without a key, until it expires",
        description:
          'The token is shown once, in `url`; only its hash is kept. It opens this report and nothing else; ' +
          'revoke it with DELETE.',
        params: orgParamsSchema,
        body: z.strictObject({
          year: yearSchema,
          days: z.number().int().min(1).max(366).default(30).describe('how long it stays valid'),
        }),
        response: {
          201: linkSchema.extend({ url: z.string() }),
          400: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { token, link } = await createReportLink(
        db,
        principalOf(request).actor,
        request.params.org,
        request.body.year,
        request.body.days,
      );
      const origin = publicUrl ?? `${request.protocol}://${request.host}`;
      return reply.code(201).send({ ...link, url: `${origin}${reportLinkPath(token)}` });
    },
  );

  app.get(
    '/v1/organisations/:org/reports/annual/links',
    {
      config: { access: 'org:read' },
      schema: {
        tags,
        summary: "The organisation's report links (never their tokens)",
        params: orgParamsSchema,
        response: { 200: z.object({ links: z.array(linkSchema) }) },
      },
    },
    async (request) => ({ links: await listReportLinks(db, request.params.org) }),
  );

  app.delete(
    '/v1/organisations/:org/reports/annual/links/:id',
    {
      config: { access: 'org:write' },
      schema: {
        tags,
        summary: 'Revoke a report link: it opens nothing from the next request',
        params: orgParamsSchema.extend({ id: z.uuid() }),
        response: { 200: linkSchema, 404: problemSchema },
      },
    },
    async (request) =>
      revokeReportLink(db, principalOf(request).actor, request.params.org, request.params.id),
  );

  app.get(
    '/reports/:token',
    {
      schema: {
        tags,
        summary: 'The report a link opens: the page, or ?format=csv|xlsx|json',
        params: z.object({ token: z.string().max(100) }),
        querystring: z.object({ format: z.enum(REPORT_FORMATS).optional() }),
        response: { 200: annualReportSchema, 404: problemSchema, 429: problemSchema },
      },
    },
    async (request, reply) => {
      refuseIfLimited(request, app.authLimiter);
      const target = await resolveReportToken(db, request.params.token);
      // Unknown, expired and revoked links look the same: nothing to tell them apart by. A miss
      // counts as a failed authentication: tokens cannot be guessed at speed either.
      if (!target) {
        app.authLimiter.fail(request.ip, Date.now());
        throw notFound('This report link');
      }
      const report = await getAnnualReport(db, target.orgId, target.year);
      reply.header('referrer-policy', 'no-referrer');
      return sendReport(reply, report, request.query.format ?? 'html', undefined);
    },
  );
};
