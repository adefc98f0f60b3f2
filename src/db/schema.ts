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

export interface DB {
  organisations: OrganisationsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
}
