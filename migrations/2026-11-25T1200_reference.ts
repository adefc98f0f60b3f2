import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.

/*
 * Reference data shared by every organisation: the postcode directory, deprivation indices and
 * the charity, company and mutual society registers, each loaded whole from the official file.
 *
 * A load builds a fresh copy of a table (`CREATE TABLE ref_x_load (LIKE ref_x ...)`), copies
 * the indexes of the live table onto it after the rows are in, and swaps it in. So the columns,
 * checks and indexes defined here (and by later migrations) are what every load reproduces:
 * change them here, never in the loader. Nothing may depend on these tables (no foreign keys,
 * no views): the swap drops the previous table.
 */

export async function up(db: Kysely<unknown>): Promise<void> {
  // Trigram indexes for "near match" name suggestions. Trusted since PostgreSQL 13: the
  // database owner may create it. PGlite is opened with it loaded.
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await sql`
    CREATE TABLE reference_loads (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      dataset text NOT NULL
        CHECK (dataset IN ('postcodes', 'deprivation', 'charities', 'companies', 'mutuals')),
      format text NOT NULL,
      edition text,
      lsoa_vintage text CHECK (lsoa_vintage IN ('2011', '2021')),
      file_name text,
      rows_read bigint NOT NULL,
      rows_loaded bigint NOT NULL,
      rows_skipped bigint NOT NULL,
      rows_excluded bigint NOT NULL DEFAULT 0,
      warnings jsonb NOT NULL DEFAULT '[]',
      warning_count integer NOT NULL DEFAULT 0,
      seconds numeric(10, 3) NOT NULL,
      loaded_at timestamptz NOT NULL DEFAULT now(),
      loaded_by text NOT NULL
    )`.execute(db);
  // The data in ref_<dataset> is always that of the dataset's latest load.
  await sql`CREATE INDEX reference_loads_dataset_latest ON reference_loads (dataset, id DESC)`.execute(
    db,
  );

  // Postcode directory (ONSPD or NSPL): one row per postcode, terminated ones included.
  await sql`
    CREATE TABLE ref_postcodes (
      postcode text NOT NULL,
      lad text,
      ward text,
      lsoa11 text,
      lsoa21 text,
      terminated text CHECK (terminated ~ '^[0-9]{6}$'),
      usertype smallint,
      CONSTRAINT ref_postcodes_pkey PRIMARY KEY (postcode)
    )`.execute(db);
  await sql`COMMENT ON COLUMN ref_postcodes.postcode IS 'ONS pcds form: outward code, one space, inward code'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN ref_postcodes.terminated IS 'doterm, yyyymm; null while the postcode is live'`.execute(
    db,
  );

  // English Indices of Deprivation: one edition at a time, on its own LSOA vintage.
  await sql`
    CREATE TABLE ref_deprivation (
      lsoa text NOT NULL,
      imd_rank integer NOT NULL CHECK (imd_rank > 0),
      imd_decile smallint NOT NULL CHECK (imd_decile BETWEEN 1 AND 10),
      edition text NOT NULL,
      lsoa_vintage text NOT NULL CHECK (lsoa_vintage IN ('2011', '2021')),
      CONSTRAINT ref_deprivation_pkey PRIMARY KEY (lsoa)
    )`.execute(db);

  // Charity Commission register: main charities only (linked charities are left out).
  await sql`
    CREATE TABLE ref_charities (
      charity_number text NOT NULL,
      name text NOT NULL,
      name_key text NOT NULL,
      charity_type text,
      is_cio boolean,
      status text,
      registered_on date,
      removed_on date,
      postcode text,
      company_number text,
      CONSTRAINT ref_charities_pkey PRIMARY KEY (charity_number)
    )`.execute(db);
  await sql`CREATE INDEX ref_charities_name_key ON ref_charities (name_key)`.execute(db);
  await sql`CREATE INDEX ref_charities_name_trgm ON ref_charities USING gin (name_key gin_trgm_ops)`.execute(
    db,
  );
  await sql`CREATE INDEX ref_charities_company_number ON ref_charities (company_number)`.execute(
    db,
  );

  // Companies House BasicCompanyData.
  await sql`
    CREATE TABLE ref_companies (
      company_number text NOT NULL,
      name text NOT NULL,
      name_key text NOT NULL,
      postcode text,
      category text,
      status text,
      accounts_category text,
      sic_codes text[] NOT NULL DEFAULT '{}',
      CONSTRAINT ref_companies_pkey PRIMARY KEY (company_number)
    )`.execute(db);
  await sql`CREATE INDEX ref_companies_name_key ON ref_companies (name_key)`.execute(db);
  await sql`CREATE INDEX ref_companies_name_trgm ON ref_companies USING gin (name_key gin_trgm_ops)`.execute(
    db,
  );

  // FCA Mutuals Public Register: co-operatives, community benefit societies, credit unions...
  await sql`
    CREATE TABLE ref_mutuals (
      society_number text NOT NULL,
      name text NOT NULL,
      name_key text NOT NULL,
      postcode text,
      registered_as text,
      status text,
      CONSTRAINT ref_mutuals_pkey PRIMARY KEY (society_number)
    )`.execute(db);
  await sql`CREATE INDEX ref_mutuals_name_key ON ref_mutuals (name_key)`.execute(db);
  await sql`CREATE INDEX ref_mutuals_name_trgm ON ref_mutuals USING gin (name_key gin_trgm_ops)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE ref_mutuals`.execute(db);
  await sql`DROP TABLE ref_companies`.execute(db);
  await sql`DROP TABLE ref_charities`.execute(db);
  await sql`DROP TABLE ref_deprivation`.execute(db);
  await sql`DROP TABLE ref_postcodes`.execute(db);
  await sql`DROP TABLE reference_loads`.execute(db);
  // pg_trgm stays: dropping an extension other objects may come to use is not this migration's call.
}
