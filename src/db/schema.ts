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
}

export interface DB {
  organisations: OrganisationsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  uploads: UploadsTable;
  payments: PaymentsTable;
}
