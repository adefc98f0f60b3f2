import type { ColumnType, Generated } from 'kysely';

/*
 * Table types for Kysely, one interface per table, snake_case as in the database.
 * Money is bigint pence; dates are 'YYYY-MM-DD' strings; timestamps are Dates.
 * Per-organisation tables carry org_id in every key (see DESIGN.md: distributable by org_id).
 */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrganisationsTable {
  id: string;
  name: string;
  home_areas: string[];
  wider_areas: string[];
  year_start_month: number;
  partnership_id: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type ApiKeyRole = 'admin' | 'finance' | 'viewer' | 'partner';

export interface ApiKeysTable {
  id: Generated<string>;
  org_id: string;
  prefix: string;
  /** sha256 of the whole key, hex. The key itself is never stored. */
  key_hash: string;
  role: ApiKeyRole;
  name: string | null;
  created_at: Generated<Date>;
  created_by: string;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<bigint>;
  at: Generated<Date>;
  /** Who: an API key prefix, `admin-token`, or `cli`. */
  actor: string;
  org_id: string | null;
  action: string;
  target: string | null;
  before: unknown;
  after: unknown;
}

export type UploadKind = 'ledger' | 'suppliers';

export interface UploadsTable {
  org_id: string;
  id: Generated<string>;
  kind: UploadKind;
  filename: string | null;
  sha256: string | null;
  status: 'loading' | 'loaded';
  mapping: ColumnType<Record<string, string>, string | undefined, string>;
  encoding: string | null;
  rows_read: Generated<number>;
  rows_loaded: Generated<number>;
  rows_rejected: Generated<number>;
  rows_duplicate: Generated<number>;
  total_pence: ColumnType<bigint, bigint | number | string | undefined, bigint | number | string>;
  period_from: string | null;
  period_to: string | null;
  warnings: ColumnType<{ code: string; message: string }[], string | undefined, string>;
  created_at: Generated<Date>;
  created_by: string;
}

/** One ledger line. Amounts in pence; credit notes are negative. */
export interface PaymentsTable {
  org_id: string;
  upload_id: string;
  line: number;
  payment_date: string;
  amount_pence: bigint;
  supplier_name: string | null;
  supplier_ref: string | null;
  supplier_key: string | null;
  redacted: boolean;
  transaction_number: string | null;
  invoice_number: string | null;
  expense_area: string | null;
  expense_type: string | null;
  irrecoverable_vat_pence: bigint | null;
  company_number: string | null;
  charity_number: string | null;
  vat_number: string | null;
  invoice_received_date: string | null;
  purpose: string | null;
  body: string | null;
  /** Under a public contract in scope of payment reporting (null: the file does not say). */
  in_scope: boolean | null;
}

/** Invoices received and not yet paid, from AP exports (migrations/2026-11-25T1700_payment-compliance.ts). */
export interface UnpaidInvoicesTable {
  org_id: string;
  upload_id: string;
  line: number;
  supplier_name: string | null;
  supplier_ref: string | null;
  supplier_key: string | null;
  invoice_number: string | null;
  invoice_received_date: string;
  amount_pence: bigint;
  in_scope: boolean | null;
}

/* ---------------------------------------------------------------------------------------------
 * Reference data (migrations/2026-11-25T1200_reference.ts): shared by every organisation, each
 * ref_ table replaced whole by a load (src/modules/reference). Codes are ONS GSS codes
 * ('E08000010'); postcodes are in the ONS pcds form ('WN1 1AA'); name_key is normaliseName().
 * ------------------------------------------------------------------------------------------- */

export type ReferenceDataset = 'postcodes' | 'deprivation' | 'charities' | 'companies' | 'mutuals';
export type LsoaVintage = '2011' | '2021';

export interface ReferenceLoadsTable {
  id: Generated<bigint>;
  dataset: ReferenceDataset;
  /** onspd | nspl | iod | charity-register | basic-company-data | fca-mutuals */
  format: string;
  /** '2026-08' (postcodes), 'IoD2025', the extract date... null when the file does not say. */
  edition: string | null;
  /** The LSOA vintage of a deprivation load; null for the other datasets. */
  lsoa_vintage: LsoaVintage | null;
  file_name: string | null;
  rows_read: bigint;
  rows_loaded: bigint;
  rows_skipped: bigint;
  rows_excluded: Generated<bigint>;
  /** The first 100 warnings: [{ row, column, value, message }]. */
  warnings: ColumnType<unknown, string, string>;
  warning_count: Generated<number>;
  /** numeric: a string, as pg returns it. */
  seconds: ColumnType<string, number | string, number | string>;
  loaded_at: Generated<Date>;
  /** Who: an API key prefix, `admin-token`, or `cli`. */
  loaded_by: string;
}

export interface RefPostcodesTable {
  postcode: string;
  /** Local authority district (ONSPD oslaua, NSPL laua); null for a pseudo code (E99999999). */
  lad: string | null;
  ward: string | null;
  lsoa11: string | null;
  lsoa21: string | null;
  /** doterm, 'yyyymm'; null while live. Terminated postcodes still resolve. */
  terminated: string | null;
  /** 0 small user, 1 large user. */
  usertype: number | null;
}

export interface RefDeprivationTable {
  lsoa: string;
  imd_rank: number;
  /** 1 = the 10% most deprived LSOAs in England. */
  imd_decile: number;
  edition: string;
  /** Which postcode column the lsoa codes match: '2011' -> lsoa11, '2021' -> lsoa21. */
  lsoa_vintage: LsoaVintage;
}

export interface RefCharitiesTable {
  charity_number: string;
  name: string;
  name_key: string;
  charity_type: string | null;
  is_cio: boolean | null;
  /** 'Registered' or 'Removed'. */
  status: string | null;
  registered_on: string | null;
  removed_on: string | null;
  postcode: string | null;
  company_number: string | null;
}

export interface RefCompaniesTable {
  company_number: string;
  name: string;
  name_key: string;
  postcode: string | null;
  /** CompanyCategory: 'Private Limited Company', 'Community Interest Company', ... */
  category: string | null;
  /** CompanyStatus: 'Active', 'Dissolved', 'Liquidation', ... */
  status: string | null;
  /** Accounts.AccountCategory: 'MICRO ENTITY', 'SMALL', 'FULL', ... */
  accounts_category: string | null;
  /** SIC 2007 codes only ('62020'), without their text. */
  sic_codes: ColumnType<string[], string[] | undefined, string[]>;
}

export interface RefMutualsTable {
  /** Full registration number as the FCA writes it, upper case ('31117R'). */
  society_number: string;
  name: string;
  name_key: string;
  postcode: string | null;
  /** 'Co-operative Society', 'Community Benefit Society', 'Credit Union', ... */
  registered_as: string | null;
  /** 'Registered', 'Deregistered', ... */
  status: string | null;
}

/* ---------------------------------------------------------------------------------------------
 * Suppliers and tags (migrations/2026-11-25T1300_suppliers.ts): per organisation, keyed by
 * supplier_key (the ledger's supplier reference, else the normalised name).
 * ------------------------------------------------------------------------------------------- */

type Money = ColumnType<bigint, bigint | number | string, bigint | number | string>;

export interface SuppliersTable {
  org_id: string;
  supplier_key: string;
  name: string;
  name_key: string;
  ref: string | null;
  ledger_company_number: string | null;
  ledger_charity_number: string | null;
  ledger_vat_number: string | null;
  file_upload_id: string | null;
  address: string | null;
  postcode: string | null;
  company_number: string | null;
  charity_number: string | null;
  society_number: string | null;
  vat_number: string | null;
  employees: number | null;
  turnover_pence: Money | null;
  balance_sheet_pence: Money | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SupplierOverridesTable {
  org_id: string;
  supplier_key: string;
  local: boolean | null;
  vcfse: boolean | null;
  sme: boolean | null;
  postcode: string | null;
  reason: string;
  set_by: string;
  set_at: Generated<Date>;
}

export interface SupplierTagsTable {
  org_id: string;
  supplier_key: string;
  postcode: string | null;
  postcode_source: string;
  lad: string | null;
  lsoa: string | null;
  imd_decile: number | null;
  local: boolean | null;
  wider_area: boolean | null;
  deprived_area: boolean | null;
  vcfse: boolean | null;
  sme: boolean | null;
  company_number: string | null;
  charity_number: string | null;
  society_number: string | null;
  provenance: ColumnType<Record<string, { source: string; evidence: string }>, string, string>;
  tagged_at: Generated<Date>;
}

export interface SpendSummaryTable {
  org_id: string;
  upload_id: string;
  month: string;
  supplier_key: string | null;
  redacted: boolean;
  expense_area: string | null;
  expense_type: string | null;
  amount_pence: Money;
  payment_count: number;
}

/* ---------------------------------------------------------------------------------------------
 * Metric summaries (migrations/2026-11-25T1400_metrics.ts): spend_summary joined to current tags.
 * ------------------------------------------------------------------------------------------- */

interface TagFlags {
  local: boolean | null;
  wider_area: boolean | null;
  deprived_area: boolean | null;
  vcfse: boolean | null;
  sme: boolean | null;
  redacted: boolean;
}

export interface MetricMonthsTable extends TagFlags {
  org_id: string;
  month: string;
  amount_pence: Money;
  payment_count: Money;
}

export interface MetricCellsTable extends TagFlags {
  org_id: string;
  month: string;
  expense_area: string | null;
  expense_type: string | null;
  amount_pence: Money;
  payment_count: Money;
}

export interface MonthTotalsTable {
  org_id: string;
  month: string;
  total: Money;
  payments: Money;
  local: Money;
  wider_area: Money;
  deprived_area: Money;
  vcfse: Money;
  sme: Money;
  unknown_location: Money;
  redacted: Money;
}

export interface SupplierCountsTable {
  org_id: string;
  year: number;
  suppliers: number;
  local: number;
  vcfse: number;
  sme: number;
}

export interface SupplierYearsTable {
  org_id: string;
  year: number;
  supplier_key: string;
  amount_pence: Money;
  payment_count: Money;
}

/* ---------------------------------------------------------------------------------------------
 * Anchor partnerships and the Social Value Charter (migrations/2026-11-25T1500_charter.ts).
 * ------------------------------------------------------------------------------------------- */

export interface PartnershipsTable {
  id: string;
  name: string;
  created_at: Generated<Date>;
}

export type MeasureKind = 'count' | 'money' | 'hours' | 'percentage' | 'yes-no';

export interface CharterMeasuresTable {
  code: string;
  name: string;
  unit: string;
  kind: MeasureKind;
  description: string | null;
  created_at: Generated<Date>;
  created_by: string;
}

export interface CharterValuesTable {
  org_id: string;
  year: number;
  measure_code: string;
  /** numeric: comes back as a string, exactly. Money in pence. */
  amount: ColumnType<string | null, string | null, string | null>;
  flag: boolean | null;
  note: string | null;
  updated_at: Generated<Date>;
  updated_by: string;
}

/* ---------------------------------------------------------------------------------------------
 * Report links (migrations/2026-11-25T1600_report-links.ts).
 * ------------------------------------------------------------------------------------------- */

export interface ReportLinksTable {
  id: Generated<string>;
  org_id: string;
  year: number;
  prefix: string;
  token_hash: string;
  created_by: string;
  created_at: Generated<Date>;
  expires_at: Date;
  revoked_at: Date | null;
}

export interface DB {
  organisations: OrganisationsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  uploads: UploadsTable;
  payments: PaymentsTable;
  // reference data
  reference_loads: ReferenceLoadsTable;
  ref_postcodes: RefPostcodesTable;
  ref_deprivation: RefDeprivationTable;
  ref_charities: RefCharitiesTable;
  ref_companies: RefCompaniesTable;
  ref_mutuals: RefMutualsTable;
  // suppliers and tags
  suppliers: SuppliersTable;
  supplier_overrides: SupplierOverridesTable;
  supplier_tags: SupplierTagsTable;
  spend_summary: SpendSummaryTable;
  // metric summaries
  metric_months: MetricMonthsTable;
  metric_cells: MetricCellsTable;
  supplier_years: SupplierYearsTable;
  supplier_counts: SupplierCountsTable;
  month_totals: MonthTotalsTable;
  // charter
  partnerships: PartnershipsTable;
  charter_measures: CharterMeasuresTable;
  charter_values: CharterValuesTable;
  // reports
  report_links: ReportLinksTable;
  // payment compliance
  unpaid_invoices: UnpaidInvoicesTable;
}
