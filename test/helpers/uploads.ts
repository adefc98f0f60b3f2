import type { TestApp } from './test-app.ts';

/** Uploads a file body as text/csv through the API. */
export function uploadCsv(
  t: TestApp,
  key: string,
  org: string,
  body: string | Buffer,
  query: Record<string, string> = {},
) {
  const params = new URLSearchParams({ kind: 'ledger', ...query });
  return t.as(key, {
    method: 'POST',
    url: `/v1/organisations/${org}/uploads?${params.toString()}`,
    headers: { 'content-type': 'text/csv' },
    payload: body,
  });
}

/** Count and total (pence) of an organisation's stored payments. */
export async function storedPayments(
  t: TestApp,
  org: string,
): Promise<{ count: number; pence: bigint; uploads: number }> {
  const payments = await t.database.db
    .selectFrom('payments')
    .select((eb) => [
      eb.fn.countAll<bigint>().as('count'),
      eb.fn.coalesce(eb.fn.sum<bigint>('amount_pence'), eb.lit(0)).as('pence'),
    ])
    .where('org_id', '=', org)
    .executeTakeFirstOrThrow();
  const uploads = await t.database.db
    .selectFrom('uploads')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .where('org_id', '=', org)
    .executeTakeFirstOrThrow();
  return {
    count: Number(payments.count),
    pence: BigInt(payments.pence),
    uploads: Number(uploads.n),
  };
}
