import type { Command } from 'commander';
import { withDatabase } from '../../cli/context.ts';
import { getClassification, tagSuppliers } from './classify.service.ts';

/** `cwb classify --org ID [--year Y]`: re-tag every supplier of an organisation and report coverage. */
export function registerClassifyCommand(program: Command): void {
  program
    .command('classify')
    .description(
      're-tag every supplier of an organisation from the registers (figures follow), and say how much spend is classified',
    )
    .requiredOption('--org <id>', 'the organisation')
    .option(
      '--year <year>',
      'financial year to report coverage for (first calendar year: 2022 = 2022/23)',
      (v) => Number(v),
    )
    .action(async (options: { org: string; year?: number }) => {
      await withDatabase(async ({ db }) => {
        const started = performance.now();
        const tagged = await tagSuppliers(db, options.org);
        console.log(
          `${tagged.toLocaleString('en-GB')} suppliers tagged in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
        if (options.year === undefined) return;
        const c = await getClassification(db, options.org, options.year);
        const pct = (share: number | null) =>
          share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`;
        console.log(
          `${c.label}: location known for ${pct(c.location.knownShare)} of spend, VCFSE status ${pct(c.vcfse.knownShare)}, SME status ${pct(c.sme.knownShare)}`,
        );
        for (const u of c.topUnclassified.slice(0, 10))
          console.log(
            `  ${u.spend.padStart(14)}  ${u.name} (${u.ref}): ${u.unknown.join(', ')} unknown`,
          );
      });
    });
}
