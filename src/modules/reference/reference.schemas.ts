import { z } from 'zod';
import { fileErrorSchema } from '../../http/problem.ts';
import { REFERENCE_DATASETS } from './reference-format.ts';

export const datasetSchema = z
  .enum(REFERENCE_DATASETS)
  .describe(
    'postcodes: ONSPD or NSPL; deprivation: English IoD2019 or IoD2025 (File 7); charities: ' +
      'Charity Commission publicextract.charity.txt; companies: Companies House BasicCompanyData; ' +
      'mutuals: FCA Mutuals Public Register society list',
  );

export const referenceParamsSchema = z.object({ dataset: datasetSchema });

export const referenceUploadQuerySchema = z.object({
  filename: z
    .string()
    .max(255)
    .optional()
    .describe('the file name as published, which may name the edition (ONSPD_FEB_2024_UK.csv)'),
});

const lsoaVintageSchema = z
  .enum(['2011', '2021'])
  .nullable()
  .describe('deprivation only: the LSOA vintage its codes are on (postcodes match on it)');

export const referenceLoadSchema = z
  .object({
    id: z.string(),
    dataset: datasetSchema,
    format: z
      .string()
      .describe('onspd | nspl | iod | charity-register | basic-company-data | fca-mutuals'),
    edition: z
      .string()
      .nullable()
      .describe("'2026-08' (postcodes), 'IoD2025', the register's extract date; null if unknown"),
    lsoaVintage: lsoaVintageSchema,
    fileName: z.string().nullable(),
    rows: z.object({
      read: z.number().int().describe('data rows in the file'),
      loaded: z.number().int(),
      skipped: z.number().int().describe('bad rows, each reported as a warning'),
      excluded: z.number().int().describe('rows left out by rule (linked charities)'),
    }),
    warnings: z.array(fileErrorSchema).describe('the first 100'),
    warningCount: z.number().int(),
    seconds: z.number(),
    loadedAt: z.string(),
    loadedBy: z.string(),
  })
  .meta({ id: 'ReferenceLoad' });

export const referenceStatusSchema = z
  .object({
    dataset: datasetSchema,
    loaded: z.boolean(),
    format: z.string().nullable(),
    edition: z.string().nullable(),
    lsoaVintage: lsoaVintageSchema,
    fileName: z.string().nullable(),
    rows: z.number().int().nullable(),
    loadedAt: z.string().nullable(),
  })
  .meta({ id: 'ReferenceDataset' });

export const referenceListSchema = z.object({ datasets: z.array(referenceStatusSchema) });

export type ReferenceLoad = z.infer<typeof referenceLoadSchema>;
export type ReferenceStatus = z.infer<typeof referenceStatusSchema>;
