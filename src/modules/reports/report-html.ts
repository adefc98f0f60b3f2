import { createHash } from 'node:crypto';
import { formatPence, parsePounds } from '../../money.ts';
import {
  BAND_COLOURS,
  COLOURS,
  paymentBandChart,
  shareBar,
  shareLineChart,
  spendBarChart,
  spendColumnChart,
  type Row,
} from './report-charts.ts';
import {
  compactPounds,
  count,
  esc,
  longDate,
  percent,
  pointsChange,
  pounds,
  relativeChange,
  wholePounds,
} from './report-format.ts';
import type { AnnualReport } from './reports.schemas.ts';

/*
 * The board's page: one self-contained HTML document (inline CSS, inline SVG, no script), that
 * reads on a screen and prints on A4. Every figure shown carries the exact value it was drawn
 * from (`data-figure`, `data-value`), so a test can hold the page to the JSON.
 */

const SERVICE_BARS = 12;

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f7fa; color: ${COLOURS.ink}; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 780px; margin: 0 auto; padding: 32px 36px 48px; background: #fff; }
header { border-bottom: 3px solid ${COLOURS.local}; padding-bottom: 14px; margin-bottom: 20px; }
header .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: ${COLOURS.muted}; margin: 0; }
h1 { font-size: 26px; margin: 4px 0 2px; }
header .period { margin: 0; color: ${COLOURS.muted}; }
h2 { font-size: 17px; margin: 28px 0 4px; }
p.lead { margin: 0 0 10px; color: ${COLOURS.muted}; font-size: 13px; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; }
.card { border: 1px solid ${COLOURS.grid}; border-left: 5px solid var(--c); border-radius: 6px; padding: 10px 12px; break-inside: avoid; }
.card h3 { margin: 0; font-size: 12px; font-weight: 600; color: ${COLOURS.muted}; text-transform: uppercase; letter-spacing: .04em; }
.card .big { font-size: 24px; font-weight: 700; margin: 2px 0 0; }
.card .share { font-size: 15px; font-weight: 600; color: var(--c); }
.card .detail, .card .change { margin: 2px 0 0; font-size: 12px; color: ${COLOURS.muted}; }
.card .change.up { color: ${COLOURS.local}; } .card .change.down { color: ${COLOURS.deprivedArea}; }
.c-total { --c: #52606d; } .c-local { --c: ${COLOURS.local}; } .c-vcfse { --c: ${COLOURS.vcfse}; }
.c-sme { --c: ${COLOURS.sme}; } .c-deprived { --c: ${COLOURS.deprivedArea}; } .c-suppliers { --c: ${COLOURS.widerArea}; }
figure { margin: 6px 0 0; break-inside: avoid; }
svg.chart { width: 100%; height: auto; display: block; }
.legend { font-size: 12px; color: ${COLOURS.muted}; margin: 4px 0 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; vertical-align: -1px; margin: 0 4px 0 10px; }
.swatch.total { background: ${COLOURS.total}; } .swatch.local { background: ${COLOURS.local}; }
.swatch[data-band="within30"] { background: ${BAND_COLOURS.within30}; } .swatch[data-band="days31to60"] { background: ${BAND_COLOURS.days31to60}; } .swatch[data-band="days61plus"] { background: ${BAND_COLOURS.days61plus}; }
h3 { font-size: 14px; margin: 16px 0 2px; }
table[data-table^="payment"] td:first-child { white-space: nowrap; }
p.note { font-size: 12px; color: ${COLOURS.muted}; margin: 4px 0; }
table { width: 100%; border-collapse: collapse; font-size: 12.5px; margin-top: 6px; }
th { text-align: left; font-weight: 600; color: ${COLOURS.muted}; border-bottom: 2px solid ${COLOURS.grid}; padding: 5px 6px; }
td { border-bottom: 1px solid ${COLOURS.grid}; padding: 4px 6px; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; }
.tag { display: inline-block; font-size: 10.5px; font-weight: 600; border-radius: 3px; padding: 0 5px; margin-right: 3px; color: #fff; }
.tag.vcfse { background: ${COLOURS.vcfse}; } .tag.sme { background: ${COLOURS.sme}; } .tag.deprived { background: ${COLOURS.deprivedArea}; }
.small { font-size: 11.5px; color: ${COLOURS.muted}; }
.coverage { display: grid; grid-template-columns: 170px 1fr 60px; gap: 6px 12px; align-items: center; font-size: 13px; max-width: 620px; }
.coverage svg { width: 100%; height: 14px; display: block; }
p.summary { font-size: 15px; margin: 0 0 14px; }
table[data-table="leakage"] td:first-child { width: 52%; }
td .outside { display: block; font-size: 11px; color: ${COLOURS.muted}; margin-top: 1px; }
footer { margin-top: 30px; border-top: 1px solid ${COLOURS.grid}; padding-top: 10px; font-size: 11px; color: ${COLOURS.muted}; }
footer dl { display: grid; grid-template-columns: 120px 1fr; gap: 3px 12px; margin: 6px 0 0; }
footer dt { font-weight: 600; color: ${COLOURS.ink}; }
footer dd { margin: 0; }
.empty { color: ${COLOURS.muted}; font-style: italic; }
@page { size: A4; margin: 12mm 12mm 14mm; }
@media print {
  body { background: #fff; font-size: 11.5px; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section { break-inside: avoid-page; }
  section.long { break-inside: auto; }
  .card .big { font-size: 20px; }
}
`;

/** The CSP hash of the page's only style block: the page needs no inline style attribute and no script. */
export const REPORT_STYLE_HASH = `sha256-${createHash('sha256').update(CSS).digest('base64')}`;

/** Security headers for the report page: nothing loads from elsewhere, nothing runs. */
export const REPORT_HTML_HEADERS = {
  'content-security-policy': `default-src 'none'; style-src '${REPORT_STYLE_HASH}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'private, no-store',
} as const;

/** The report as a board-ready HTML page. */
export function renderReportHtml(report: AnnualReport): string {
  const h = report.headline;
  const title = `${report.organisation.name}: spend with local suppliers, ${report.label}`;
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main data-organisation="${esc(report.organisation.id)}" data-year="${report.year}">
<header>
<p class="kicker">Community Wealth Building · annual spend report</p>
<h1>${esc(report.organisation.name)}, ${esc(report.label)}</h1>
<p class="period">Payments from ${esc(longDate(report.period.from))} to ${esc(longDate(report.period.to))} · ${esc(count(h.paymentCount))} payments · made ${esc(longDate(report.generatedAt))}</p>
</header>

<section aria-labelledby="s-headline">
<h2 id="s-headline">How much stays in the place</h2>
<p class="summary" data-figure="summary">${esc(summarySentence(report))}</p>
${h.previousYear.totalSpend === '0.00' ? `<p class="lead">No spend is loaded for ${esc(h.previousYear.label)}, so there is no change to show.</p>` : ''}
<div class="cards">
${card('total', 'Total spend', h.totalSpend, null, h.change.totalSpend ?? null, 'relative', `${count(h.supplierCount)} suppliers`, 'totalSpend')}
${card('local', 'Local suppliers', h.localSpend, h.localShare, h.change.localShare ?? null, 'points', `${count(h.localSupplierCount)} suppliers`, 'localSpend', 'localShare')}
${card('vcfse', 'VCFSE sector', h.vcfseSpend, h.vcfseShare, h.change.vcfseShare ?? null, 'points', `${count(h.vcfseSupplierCount)} organisations`, 'vcfseSpend', 'vcfseShare')}
${card('sme', 'Small and medium firms', h.smeSpend, h.smeShare, h.change.smeShare ?? null, 'points', `${count(h.smeSupplierCount)} suppliers`, 'smeSpend', 'smeShare')}
${card('deprived', 'Most deprived areas', h.deprivedAreaSpend, h.deprivedAreaShare, h.change.deprivedAreaShare ?? null, 'points', 'suppliers in the 20% most deprived neighbourhoods', 'deprivedAreaSpend', 'deprivedAreaShare')}
${card('suppliers', 'Wider area', h.widerAreaSpend, h.widerAreaShare, h.change.widerAreaShare ?? null, 'points', `location unknown: ${compactPounds(h.unknownLocationSpend)}`, 'widerAreaSpend', 'widerAreaShare')}
</div>
</section>

<section aria-labelledby="s-trend">
<h2 id="s-trend">Shares of spend, year by year</h2>
<p class="lead">${report.trend.length === 1 ? 'One year of spend loaded so far.' : `The last ${report.trend.length} years with spend loaded.`}</p>
<figure>${shareLineChart({
    id: 'chart-shares',
    title: 'Shares of spend with local, VCFSE, SME and deprived-area suppliers by year',
    categories: report.trend.map((y) => y.label),
    series: [
      {
        key: 'local',
        name: 'Local',
        colour: COLOURS.local,
        values: report.trend.map((y) => y.localShare),
      },
      { key: 'sme', name: 'SME', colour: COLOURS.sme, values: report.trend.map((y) => y.smeShare) },
      {
        key: 'vcfse',
        name: 'VCFSE',
        colour: COLOURS.vcfse,
        values: report.trend.map((y) => y.vcfseShare),
      },
      {
        key: 'deprivedArea',
        name: 'Deprived areas',
        colour: COLOURS.deprivedArea,
        values: report.trend.map((y) => y.deprivedAreaShare),
      },
    ],
  })}</figure>
</section>

<section aria-labelledby="s-quarters">
<h2 id="s-quarters">Spend by quarter</h2>
<p class="lead">Total spend, with the part paid to local suppliers.</p>
<figure>${spendColumnChart({
    id: 'chart-quarters',
    title: 'Spend by quarter, with the local part',
    columns: report.quarters.map((q) => ({
      label: q.key,
      sublabel: shortMonths(q.label),
      total: q.totalSpend,
      local: q.localSpend,
    })),
  })}
<p class="legend"><span class="swatch total"></span>All spend <span class="swatch local"></span>With local suppliers</p></figure>
</section>

<section aria-labelledby="s-services" class="long">
<h2 id="s-services">Spend by service</h2>
<p class="lead">${report.services.length > SERVICE_BARS ? `The ${SERVICE_BARS} services that spend most, then the rest together; the table lists every one.` : 'Each service, with its local share.'}</p>
${report.services.length === 0 ? '<p class="empty">No spend in this year.</p>' : `<figure>${spendBarChart({ id: 'chart-services', title: 'Spend by service, with the local part', rows: serviceRows(report) })}</figure>`}
<table data-table="services">
<thead><tr><th>Service</th><th class="n">Spend</th><th class="n">Local</th><th class="n">Local share</th><th class="n">VCFSE share</th></tr></thead>
<tbody>
${report.services.map((s) => `<tr data-key="${esc(s.key)}"><td>${esc(s.label)}</td><td class="n" data-value="${esc(s.totalSpend)}">${esc(wholePounds(s.totalSpend))}</td><td class="n" data-value="${esc(s.localSpend)}">${esc(wholePounds(s.localSpend))}</td><td class="n">${esc(percent(s.localShare))}</td><td class="n">${esc(percent(s.vcfseShare))}</td></tr>`).join('\n')}
</tbody>
</table>
</section>

<section aria-labelledby="s-suppliers" class="long">
<h2 id="s-suppliers">Top ${report.topLocalSuppliers.length === 0 ? '' : `${report.topLocalSuppliers.length} `}local suppliers</h2>
${
  report.topLocalSuppliers.length === 0
    ? '<p class="empty">No local supplier was paid in this year.</p>'
    : `<table data-table="suppliers">
<thead><tr><th class="n">#</th><th>Supplier</th><th></th><th class="n">Payments</th><th class="n">Spend</th></tr></thead>
<tbody>
${report.topLocalSuppliers.map((s) => `<tr><td class="n">${s.rank}</td><td>${esc(s.name)}</td><td>${s.vcfse ? '<span class="tag vcfse">VCFSE</span>' : ''}${s.sme ? '<span class="tag sme">SME</span>' : ''}${s.deprivedArea ? '<span class="tag deprived">Deprived area</span>' : ''}</td><td class="n">${esc(count(s.payments))}</td><td class="n" data-value="${esc(s.spend)}">${esc(pounds(s.spend))}</td></tr>`).join('\n')}
</tbody>
</table>`
}
</section>

<section aria-labelledby="s-leakage" class="long">
<h2 id="s-leakage">Where spend leaves the place</h2>
<p class="lead">Spend with suppliers outside the area, by what was bought, beside the local suppliers already paid for the same thing.</p>
${
  report.leakage.length === 0
    ? '<p class="empty">No spend with suppliers known to be outside the area.</p>'
    : `<table data-table="leakage">
<thead><tr><th>What was bought, and the largest suppliers outside</th><th class="n">Spent outside</th><th class="n">Suppliers outside</th><th class="n">Local suppliers</th><th class="n">Local share</th></tr></thead>
<tbody>
${report.leakage.map((l) => `<tr><td>${esc(l.expenseType)}<span class="outside">${l.topNonLocalSuppliers.map((s) => `${esc(s.name)} ${esc(compactPounds(s.spend))}`).join(' · ')}</span></td><td class="n" data-value="${esc(l.nonLocalSpend)}">${esc(wholePounds(l.nonLocalSpend))}</td><td class="n">${esc(count(l.nonLocalSupplierCount))}</td><td class="n">${esc(count(l.localSupplierCount))}</td><td class="n">${esc(percent(l.localShare))}</td></tr>`).join('\n')}
</tbody>
</table>`
}
</section>

<section aria-labelledby="s-payment" class="long">
<h2 id="s-payment">Paying suppliers on time</h2>
<p class="lead">Days from receipt of an invoice to its payment (day 1 is the day after receipt), for the Procurement Act's six-month reporting periods ending in the year; the share of sums that fell due and were not paid by the period's end.</p>
${report.paymentCompliance.map(paymentSection).join('\n')}
<p class="legend"><span class="swatch" data-band="within30"></span>Within 30 days <span class="swatch" data-band="days31to60"></span>31 to 60 days <span class="swatch" data-band="days61plus"></span>61 days or more</p>
</section>

<section aria-labelledby="s-coverage">
<h2 id="s-coverage">How much of the spend is classified</h2>
<p class="lead">The share of spend whose supplier's location, sector and size are known from the registers or an override. ${esc(count(report.classification.suppliersFullyClassified))} of ${esc(count(report.classification.suppliersPaid))} suppliers paid are fully classified.</p>
<div class="coverage">
${coverageRow('location', 'Location known', report.classification.location.knownShare, COLOURS.local)}
${coverageRow('vcfse', 'VCFSE status known', report.classification.vcfse.knownShare, COLOURS.vcfse)}
${coverageRow('sme', 'SME status known', report.classification.sme.knownShare, COLOURS.sme)}
</div>
</section>

<footer>
<strong>Definitions.</strong> Figures are exact sums of the payments loaded, recomputed on every upload.
<dl>
${report.definitions.map((d) => `<dt>${esc(d.term)}</dt><dd>${esc(d.definition)}</dd>`).join('\n')}
</dl>
</footer>
</main>
</body>
</html>
`;
}

/** The sentence a board quotes: "In 2022/23 Wigan Council spent £415.0m ...". */
export function summarySentence(report: AnnualReport): string {
  const h = report.headline;
  const local = `${compactPounds(h.localSpend)} (${percent(h.localShare)}) of it with ${count(h.localSupplierCount)} local suppliers`;
  const change =
    h.change.localShare === null || h.change.localShare === undefined
      ? ''
      : `, ${pointsChange(h.change.localShare).replace('+', 'up ').replace('−', 'down ')} on ${h.previousYear.label}`;
  return `In ${report.label} ${report.organisation.name} spent ${compactPounds(h.totalSpend)} with suppliers: ${local}${change}; ${percent(h.vcfseShare)} with the VCFSE sector and ${percent(h.smeShare)} with small and medium firms.`;
}

/** "Q1 April 2022 to June 2022" -> "Apr–Jun 2022"; across a year end, "Nov 2022–Jan 2023". */
function shortMonths(label: string): string {
  const m = /^Q\d (\w{3})\w* (\d{4}) to (\w{3})\w* (\d{4})$/.exec(label);
  if (!m) return label.replace(/^Q\d /, '');
  const [, m1, y1, m2, y2] = m;
  return y1 === y2 ? `${m1}–${m2} ${y2}` : `${m1} ${y1}–${m2} ${y2}`;
}

const PAYMENT_GROUPS = ['all', 'local', 'small-local', 'not-local', 'sme', 'not-sme'] as const;

/** One payment reporting period: what the board reads, the bands by group, and the notes. */
function paymentSection(c: AnnualReport['paymentCompliance'][number]): string {
  const groups = PAYMENT_GROUPS.map((key) => c.groups.find((g) => g.key === key)!).filter(
    (g) => g.paid.invoices > 0,
  );
  const smallLocal = c.groups.find((g) => g.key === 'small-local')!;
  const notes = c.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('');
  if (c.paid.invoices === 0)
    return `<h3>${esc(c.period.label)}</h3><p class="empty" data-period="${esc(c.period.key)}">No invoice paid in the period could be counted.</p>${notes}`;
  const sentence =
    `${percent(c.paid.within30.invoiceShare)} of ${count(c.paid.invoices)} invoices were paid within 30 days, ` +
    `in ${c.paid.meanDays!.toFixed(1)} days on average` +
    (smallLocal.paid.meanDays === null
      ? '.'
      : `; small local firms waited ${smallLocal.paid.meanDays.toFixed(1)} days.`) +
    (c.dueNotPaid.valueShare === null
      ? ''
      : c.laterPaymentsLoaded || c.dueNotPaid.notPaid > 0
        ? ` ${percent(c.dueNotPaid.valueShare)} of the sums that fell due (${compactPounds(c.dueNotPaid.value)}) were not paid by ${longDate(c.period.to)}.`
        : ` Whether all that fell due was paid by ${longDate(c.period.to)} shows once later payments are loaded.`);
  return `<h3>${esc(c.period.label)}</h3>
<p data-period="${esc(c.period.key)}" data-figure="meanDays" data-value="${c.paid.meanDays}">${esc(sentence)}</p>
<figure>${paymentBandChart({
    id: `chart-payment-${c.period.key}`,
    title: `How quickly invoices were paid, ${c.period.label}`,
    rows: groups.map((g) => ({
      label: g.label,
      invoices: g.paid.invoices,
      meanDays: g.paid.meanDays,
      within30: g.paid.within30.invoiceShare,
      days31to60: g.paid.days31to60.invoiceShare,
      days61plus: g.paid.days61plus.invoiceShare,
    })),
  })}</figure>
<table data-table="payment-${esc(c.period.key)}">
<thead><tr><th>Suppliers</th><th class="n">Invoices paid</th><th class="n">Mean days</th><th class="n">Within 30 days</th><th class="n">61+ days</th><th class="n">Due, unpaid at end</th></tr></thead>
<tbody>
${groups.map((g) => `<tr data-key="${esc(g.key)}"><td>${esc(g.label)}</td><td class="n">${esc(count(g.paid.invoices))}</td><td class="n">${g.paid.meanDays === null ? 'n/a' : esc(g.paid.meanDays.toFixed(1))}</td><td class="n">${esc(percent(g.paid.within30.invoiceShare))}</td><td class="n">${esc(percent(g.paid.days61plus.invoiceShare))}</td><td class="n">${c.laterPaymentsLoaded || c.dueNotPaid.notPaid > 0 ? esc(percent(g.dueNotPaid.valueShare)) : 'not yet known'}</td></tr>`).join('\n')}
</tbody>
</table>
${c.paid.invoices > 0 && c.leftOut.missingReceivedDate.invoices + c.leftOut.receivedAfterPayment.invoices > 0 ? `<p class="note">${esc(`${count(c.leftOut.missingReceivedDate.invoices + c.leftOut.receivedAfterPayment.invoices)} invoices were left out for missing or impossible dates.`)}</p>` : ''}${notes}`;
}

function card(
  kind: string,
  title: string,
  spend: string,
  share: number | null,
  change: number | null,
  changeKind: 'relative' | 'points',
  detail: string,
  spendField: string,
  shareField?: string,
): string {
  const changeText = changeKind === 'relative' ? relativeChange(change) : pointsChange(change);
  const direction = change === null ? '' : change >= 0 ? ' up' : ' down';
  return `<div class="card c-${kind}">
<h3>${esc(title)}</h3>
<p class="big" data-figure="${spendField}" data-value="${esc(spend)}" title="${esc(pounds(spend))}">${esc(compactPounds(spend))}</p>
${shareField ? `<p class="share" data-figure="${shareField}" data-value="${share ?? ''}">${esc(percent(share))} of spend</p>` : ''}
<p class="detail">${esc(detail)}</p>
<p class="change${direction}">${change === null ? 'no earlier year to compare' : `${esc(changeText)} on the year before`}</p>
</div>`;
}

function serviceRows(report: AnnualReport): Row[] {
  const rows: Row[] = report.services.slice(0, SERVICE_BARS).map((s) => ({
    label: s.label,
    total: s.totalSpend,
    local: s.localSpend,
    localShare: s.localShare,
  }));
  const rest = report.services.slice(SERVICE_BARS);
  if (rest.length > 0) {
    const sum = (field: 'totalSpend' | 'localSpend') =>
      rest.reduce((acc, s) => acc + parsePounds(s[field])!, 0n);
    const total = sum('totalSpend');
    const local = sum('localSpend');
    rows.push({
      label: `${rest.length} other services`,
      total: formatPence(total),
      local: formatPence(local),
      localShare: total === 0n ? null : Number(local) / Number(total),
    });
  }
  return rows;
}

function coverageRow(key: string, label: string, share: number | null, colour: string): string {
  return `<span>${esc(label)}</span>${shareBar({ id: `coverage-${key}`, label, share, colour })}<span class="n" data-figure="coverage-${key}" data-value="${share ?? ''}">${esc(percent(share))}</span>`;
}
