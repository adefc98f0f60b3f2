import type { AnnualReport, ReportTable } from './reports.schemas.ts';

/*
 * The report as tables, for the CSV and the workbook alike: one definition, two writers. A cell
 * says what kind of figure it is; the writers decide how it looks (a CSV keeps exact decimals,
 * the workbook adds number formats).
 */

export type CellKind = 'text' | 'money' | 'share' | 'count' | 'change' | 'points' | 'flag';

export interface Cell {
  kind: CellKind;
  /** money: a pounds string; share, change, points: a fraction; count: an integer; flag: a boolean. */
  value: string | number | boolean | null;
}

export interface Table {
  key: ReportTable;
  title: string;
  headers: string[];
  rows: Cell[][];
}

const text = (value: string): Cell => ({ kind: 'text', value });
const money = (value: string): Cell => ({ kind: 'money', value });
const share = (value: number | null): Cell => ({ kind: 'share', value });
const int = (value: number): Cell => ({ kind: 'count', value });
const flag = (value: boolean | null): Cell => ({ kind: 'flag', value });

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
  const change = (name: string): Cell => ({ kind: 'change', value: c[name] ?? null });
  const points = (name: string): Cell => ({ kind: 'points', value: c[name] ?? null });
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
  ];
}
