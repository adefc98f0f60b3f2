import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Whether a payment is under a public contract in scope of the Procurement Act 2023's payment
  // reporting (null: the file does not say).
  await sql`ALTER TABLE payments ADD COLUMN in_scope boolean`.execute(db);

  // Invoices an AP export lists as received but not yet paid (no payment date): not spend, but
  // sums that fell due and were not paid. They go with their upload.
  await sql`
    CREATE TABLE unpaid_invoices (
      org_id text NOT NULL,
      upload_id uuid NOT NULL,
      line integer NOT NULL,
      supplier_name text,
      supplier_ref text,
      supplier_key text,
      invoice_number text,
      invoice_received_date date NOT NULL,
      amount_pence bigint NOT NULL,
      in_scope boolean,
      PRIMARY KEY (org_id, upload_id, line)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE unpaid_invoices`.execute(db);
  await sql`ALTER TABLE payments DROP COLUMN in_scope`.execute(db);
}
