import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { tablesCsv } from '../../exports/csv.ts';
import { chooseFormat, CONTENT_TYPES } from '../../exports/negotiate.ts';
import { addTableSheet, newWorkbook, workbookBytes } from '../../exports/xlsx.ts';
import { problemSchema } from '../../http/problem.ts';
import { orgParamsSchema } from '../organisations/organisations.schemas.ts';
import { complianceTable, leftOutTable } from './compliance-table.ts';
import { complianceQuerySchema, complianceSchema } from './compliance.schemas.ts';
import {
  compliancePeriodOf,
  getPaymentCompliance,
  type PaymentCompliance,
} from './compliance.service.ts';

const FORMATS = ['json', 'csv', 'xlsx'] as const;

export const complianceRoutes: FastifyPluginAsyncZod<{ db: Kysely<DB> }> = async (app, { db }) => {
  app.get(
    '/v1/organisations/:org/payment-compliance',
    {
      config: { access: 'org:read' },
      schema: {
        tags: ['compliance'],
        summary:
          'Payment compliance for a six-month period (Procurement Act 2023): days to pay, late and unpaid sums',
        description:
          'JSON (default), text/csv or xlsx (Accept, or ?format=). Invoices are the payment lines with the same ' +
          'supplier, invoice number, received date and payment date. Day 1 is the day after receipt.',
        params: orgParamsSchema,
        querystring: complianceQuerySchema,
        response: {
          200: complianceSchema,
          400: problemSchema,
          404: problemSchema,
          406: problemSchema,
        },
      },
    },
    async (request, reply) => {
      const format = chooseFormat(request.query.format, request.headers.accept, FORMATS);
      const period = compliancePeriodOf(request.query.period);
      const figures = await getPaymentCompliance(db, request.params.org, period);
      return sendCompliance(reply, format, figures);
    },
  );
};

/** The figures as JSON, or as a CSV or workbook of the figures and the invoices left out. */
async function sendCompliance(
  reply: FastifyReply,
  format: (typeof FORMATS)[number],
  figures: PaymentCompliance,
) {
  reply.header('vary', 'Accept');
  if (format === 'json') return reply.send(figures);
  const { period } = figures;
  const tables = [complianceTable(figures), leftOutTable(figures)];
  const name = `${figures.organisation}-payment-compliance-${period.key}`;
  if (format === 'csv') {
    return reply
      .header('content-disposition', `attachment; filename="${name}.csv"`)
      .type('text/csv; charset=utf-8')
      .send(
        tablesCsv(
          ['Payment compliance', figures.organisation, period.label, period.from, period.to],
          tables,
        ),
      );
  }
  const workbook = newWorkbook(
    `${figures.organisation} payment compliance ${period.key}`,
    new Date(),
  );
  for (const table of tables) addTableSheet(workbook, figures.organisation, table);
  return reply
    .header('content-disposition', `attachment; filename="${name}.xlsx"`)
    .type(CONTENT_TYPES.xlsx)
    .send(await workbookBytes(workbook));
}
