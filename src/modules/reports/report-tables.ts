import { cells, type Cell, type Table } from '../../exports/table.ts';
import { complianceTable } from '../compliance/compliance-table.ts';
import type { AnnualReport } from './reports.schemas.ts';

/*
 * The report as tables (src/exports/table.ts), for its CSV and its workbook alike.
 */

const { text, money, share, count: int, flag } = cells;

type Headline = AnnualReport['headline']['previousYear'];
type FieldOf<T> = { [K in keyof Headline]: Headline[K] extends T ? K : never }[keyof Headline];
type SpendField = Exclude<FieldOf<string>, 'label'>;
type ShareField = Exclude<FieldOf<number | null>, 'year'>;
type CountField = Exclude<FieldOf<number>, 'year'>;

/** Every table of the report, in the order the page shows them. */
export function reportTables(report: AnnualReport): Table[] {
  const h = report.headline;
  const p = h.previousYear;
  const c = h.change;
  const change = (name: string): Cell => cells.change(c[name] ?? null);
  const points = (name: string): Cell => cells.points(c[name] ?? null);
  const spendRow = (label: string, field: SpendField): Cell[] => [
    text(label),
    money(h[field]),
    money(p[field]),
    change(field),
  ];
  const shareRow = (label: string, field: ShareField): Cell[] => [
    text(label),
    share(h[field]),
    share(p[field]),
    points(field),
  ];
  const countRow = (label: string, field: CountField): Cell[] => [
    text(label),
    int(h[field]),
    int(p[field]),
    change(field),
  ];

  return [
    {
      key: 'headline',
      sheet: 'Headline',
      title: `Headline figures, ${report.label} and ${p.label}`,
      headers: ['Figure', report.label, p.label, 'Change'],
      rows: [
        spendRow('Total spend', 'totalSpend'),
        countRow('Payments', 'paymentCount'),
        spendRow('Local spend', 'localSpend'),
        shareRow('Local share', 'localShare'),
        spendRow('Wider area spend', 'widerAreaSpend'),
        shareRow('Wider area share', 'widerAreaShare'),
        spendRow('VCFSE spend', 'vcfseSpend'),
        shareRow('VCFSE share', 'vcfseShare'),
        spendRow('SME spend', 'smeSpend'),
        shareRow('SME share', 'smeShare'),
        spendRow('Deprived area spend', 'deprivedAreaSpend'),
        shareRow('Deprived area share', 'deprivedAreaShare'),
        spendRow('Location unknown spend', 'unknownLocationSpend'),
        spendRow('Redacted spend', 'redactedSpend'),
        countRow('Suppliers', 'supplierCount'),
        countRow('Local suppliers', 'localSupplierCount'),
        countRow('VCFSE suppliers', 'vcfseSupplierCount'),
        countRow('SME suppliers', 'smeSupplierCount'),
      ],
    },
    {
      key: 'quarters',
      sheet: 'By quarter',
      title: `Spend by quarter, ${report.label}`,
      headers: [
        'Quarter',
        'Months',
        'Total spend',
        'Payments',
        'Local spend',
        'Local share',
        'VCFSE spend',
        'VCFSE share',
        'SME spend',
        'SME share',
      ],
      rows: report.quarters.map((q) => [
        text(q.key),
        text(q.label.replace(/^Q\d /, '')),
        money(q.totalSpend),
        int(q.paymentCount),
        money(q.localSpend),
        share(q.localShare),
        money(q.vcfseSpend),
        share(q.vcfseShare),
        money(q.smeSpend),
        share(q.smeShare),
      ]),
    },
    {
      key: 'services',
      sheet: 'By service',
      title: `Spend by service, ${report.label}`,
      headers: [
        'Service',
        'Total spend',
        'Payments',
        'Local spend',
        'Local share',
        'VCFSE spend',
        'VCFSE share',
        'SME spend',
        'SME share',
        'Deprived area spend',
      ],
      rows: report.services.map((s) => [
        text(s.label),
        money(s.totalSpend),
        int(s.paymentCount),
        money(s.localSpend),
        share(s.localShare),
        money(s.vcfseSpend),
        share(s.vcfseShare),
        money(s.smeSpend),
        share(s.smeShare),
        money(s.deprivedAreaSpend),
      ]),
    },
    {
      key: 'suppliers',
      sheet: 'Top suppliers',
      title: `Top local suppliers, ${report.label}`,
      headers: [
        'Rank',
        'Supplier',
        'Reference',
        'Spend',
        'Payments',
        'VCFSE',
        'SME',
        'Deprived area',
      ],
      rows: report.topLocalSuppliers.map((s) => [
        int(s.rank),
        text(s.name),
        text(s.ref),
        money(s.spend),
        int(s.payments),
        flag(s.vcfse),
        flag(s.sme),
        flag(s.deprivedArea),
      ]),
    },
    {
      key: 'leakage',
      sheet: 'Leakage',
      title: `Where spend leaves the place, ${report.label}`,
      headers: [
        'Expense type',
        'Total spend',
        'Spent outside',
        'Suppliers outside',
        'Local spend',
        'Local suppliers',
        'Local share',
        'Largest outside suppliers',
      ],
      rows: report.leakage.map((l) => [
        text(l.expenseType),
        money(l.totalSpend),
        money(l.nonLocalSpend),
        int(l.nonLocalSupplierCount),
        money(l.localSpend),
        int(l.localSupplierCount),
        share(l.localShare),
        text(l.topNonLocalSuppliers.map((s) => `${s.name} (£${s.spend})`).join('; ')),
      ]),
    },
    paymentComplianceTable(report),
  ];
}

/** Both payment reporting periods of the year in one table, a row per period and group of suppliers. */
function paymentComplianceTable(report: AnnualReport): Table {
  const periods = report.paymentCompliance.map(complianceTable);
  return {
    key: 'compliance',
    sheet: 'Payment compliance',
    title: `Payment compliance, the periods ending in ${report.label}`,
    headers: ['Period', ...(periods[0]?.headers ?? [])],
    rows: periods.flatMap((table, i) =>
      table.rows.map((row) => [text(report.paymentCompliance[i]!.period.key), ...row]),
    ),
  };
}
