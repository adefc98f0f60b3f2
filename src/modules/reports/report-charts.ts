import { compactPounds, esc, percent } from './report-format.ts';

/*
 * The report's charts, as SVG made on the server: no script, no client library, the same in a
 * browser, a printed page and an e-mail client. Every mark carries its exact figure
 * (`data-value`) and a `<title>` a reader sees on hover; marks have classes (`point`, `bar`,
 * `bar-local`) that tests count. Colours come only from presentation attributes, so the page's
 * Content-Security-Policy needs no inline style attributes.
 */

export const COLOURS = {
  local: '#1b7a5a',
  vcfse: '#7b3fa0',
  sme: '#c46a00',
  deprivedArea: '#b83227',
  widerArea: '#2f6db5',
  total: '#c9d1d9',
  ink: '#1f2933',
  muted: '#616e7c',
  grid: '#e4e7eb',
} as const;

const FONT = `font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"`;

export interface LineSeries {
  key: string;
  name: string;
  colour: string;
  /** Shares 0..1, one per category; null where there is no figure. */
  values: (number | null)[];
}

/** Shares over years: one line per series, a point per year with a figure. */
export function shareLineChart(options: {
  id: string;
  title: string;
  categories: string[];
  series: LineSeries[];
}): string {
  const width = 680;
  const height = 260;
  const m = { left: 48, right: 170, top: 18, bottom: 34 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const all = options.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const topPercent = Math.max(10, Math.ceil((Math.max(0, ...all) * 100) / 10) * 10);
  const step = topPercent <= 30 ? 5 : 10;
  const n = options.categories.length;
  const x = (i: number) => m.left + (n === 1 ? plotW / 2 : (plotW * i) / (n - 1));
  const y = (share: number) => m.top + plotH - (Math.max(0, share) * 100 * plotH) / topPercent;

  const parts: string[] = [];
  for (let p = 0; p <= topPercent; p += step) {
    parts.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${y(p / 100)}" y2="${y(p / 100)}" stroke="${COLOURS.grid}"/>`,
      `<text x="${m.left - 8}" y="${y(p / 100) + 4}" text-anchor="end" font-size="11" fill="${COLOURS.muted}">${p}%</text>`,
    );
  }
  options.categories.forEach((c, i) => {
    parts.push(
      `<text x="${x(i)}" y="${height - 12}" text-anchor="middle" font-size="11" fill="${COLOURS.muted}">${esc(c)}</text>`,
    );
  });

  const labels: { y: number; text: string; colour: string }[] = [];
  for (const s of options.series) {
    const points = s.values
      .map((v, i) => (v === null ? null : { i, v }))
      .filter((p): p is { i: number; v: number } => p !== null);
    if (points.length > 1) {
      parts.push(
        `<polyline class="line" data-series="${esc(s.key)}" fill="none" stroke="${s.colour}" stroke-width="2.5" stroke-linejoin="round" points="${points.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')}"/>`,
      );
    }
    for (const p of points) {
      parts.push(
        `<circle class="point" data-series="${esc(s.key)}" data-category="${esc(options.categories[p.i]!)}" data-value="${p.v}" cx="${x(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="4" fill="#fff" stroke="${s.colour}" stroke-width="2.5"><title>${esc(`${s.name}, ${options.categories[p.i]}: ${percent(p.v)}`)}</title></circle>`,
      );
    }
    const last = points.at(-1);
    if (last) labels.push({ y: y(last.v), text: `${s.name} ${percent(last.v)}`, colour: s.colour });
  }
  // Labels at the lines' ends, nudged apart so none overlaps another.
  labels.sort((a, b) => a.y - b.y);
  for (let i = 1; i < labels.length; i++) {
    labels[i]!.y = Math.max(labels[i]!.y, labels[i - 1]!.y + 14);
  }
  for (const l of labels) {
    parts.push(
      `<text x="${m.left + plotW + 12}" y="${(l.y + 4).toFixed(1)}" font-size="12" font-weight="600" fill="${l.colour}">${esc(l.text)}</text>`,
    );
  }
  return svg(options.id, options.title, width, height, parts);
}

export interface Column {
  label: string;
  sublabel?: string;
  /** Pounds strings. */
  total: string;
  local: string;
}

/** Columns of total spend, each with its local part drawn inside it. */
export function spendColumnChart(options: {
  id: string;
  title: string;
  columns: Column[];
}): string {
  const width = 680;
  const height = 240;
  const m = { left: 64, right: 16, top: 24, bottom: 44 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const { max, step } = niceScale(Math.max(0, ...options.columns.map((c) => Number(c.total))));
  const slot = plotW / Math.max(1, options.columns.length);
  const barW = Math.min(90, slot * 0.6);
  const h = (v: string) => (Math.max(0, Number(v)) / max) * plotH;

  const parts: string[] = [];
  for (let value = 0; value <= max + step / 2; value += step) {
    const yy = m.top + plotH - (plotH * value) / max;
    parts.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${yy}" y2="${yy}" stroke="${COLOURS.grid}"/>`,
      `<text x="${m.left - 8}" y="${yy + 4}" text-anchor="end" font-size="11" fill="${COLOURS.muted}">${esc(compactPounds(String(value)))}</text>`,
    );
  }
  options.columns.forEach((c, i) => {
    const cx = m.left + slot * i + slot / 2;
    const x0 = (cx - barW / 2).toFixed(1);
    const totalH = h(c.total);
    const localH = Math.min(totalH, h(c.local));
    const base = m.top + plotH;
    parts.push(
      `<rect class="bar" data-label="${esc(c.label)}" data-value="${esc(c.total)}" x="${x0}" y="${(base - totalH).toFixed(1)}" width="${barW.toFixed(1)}" height="${totalH.toFixed(1)}" fill="${COLOURS.total}"><title>${esc(`${c.label}: ${compactPounds(c.total)} in all`)}</title></rect>`,
      `<rect class="bar-local" data-label="${esc(c.label)}" data-value="${esc(c.local)}" x="${x0}" y="${(base - localH).toFixed(1)}" width="${barW.toFixed(1)}" height="${localH.toFixed(1)}" fill="${COLOURS.local}"><title>${esc(`${c.label}: ${compactPounds(c.local)} with local suppliers`)}</title></rect>`,
      `<text x="${cx}" y="${(base - totalH - 6).toFixed(1)}" text-anchor="middle" font-size="11" fill="${COLOURS.ink}">${esc(compactPounds(c.total))}</text>`,
      `<text x="${cx}" y="${height - 26}" text-anchor="middle" font-size="12" font-weight="600" fill="${COLOURS.ink}">${esc(c.label)}</text>`,
    );
    if (c.sublabel)
      parts.push(
        `<text x="${cx}" y="${height - 11}" text-anchor="middle" font-size="10" fill="${COLOURS.muted}">${esc(c.sublabel)}</text>`,
      );
  });
  return svg(options.id, options.title, width, height, parts);
}

export interface Row {
  label: string;
  total: string;
  local: string;
  localShare: number | null;
}

/** One bar per row (largest first), the local part drawn inside, the local share beside it. */
export function spendBarChart(options: { id: string; title: string; rows: Row[] }): string {
  const rowH = 24;
  const width = 680;
  const m = { left: 210, right: 150, top: 8, bottom: 8 };
  const height = m.top + m.bottom + rowH * options.rows.length;
  const plotW = width - m.left - m.right;
  const max = Math.max(1, ...options.rows.map((r) => Number(r.total)));
  const w = (v: string) => (Math.max(0, Number(v)) / max) * plotW;
  const parts: string[] = [];
  options.rows.forEach((r, i) => {
    const y0 = m.top + i * rowH;
    const label = r.label.length > 32 ? `${r.label.slice(0, 31)}…` : r.label;
    const totalW = w(r.total);
    const localW = Math.min(totalW, w(r.local));
    parts.push(
      `<text x="${m.left - 8}" y="${y0 + 16}" text-anchor="end" font-size="12" fill="${COLOURS.ink}">${esc(label)}<title>${esc(r.label)}</title></text>`,
      `<rect class="bar" data-label="${esc(r.label)}" data-value="${esc(r.total)}" x="${m.left}" y="${y0 + 4}" width="${totalW.toFixed(1)}" height="${rowH - 8}" fill="${COLOURS.total}"><title>${esc(`${r.label}: ${compactPounds(r.total)} in all`)}</title></rect>`,
      `<rect class="bar-local" data-label="${esc(r.label)}" data-value="${esc(r.local)}" x="${m.left}" y="${y0 + 4}" width="${localW.toFixed(1)}" height="${rowH - 8}" fill="${COLOURS.local}"><title>${esc(`${r.label}: ${compactPounds(r.local)} local`)}</title></rect>`,
      `<text x="${m.left + totalW + 8}" y="${y0 + 16}" font-size="11" fill="${COLOURS.muted}">${esc(`${compactPounds(r.total)} · ${percent(r.localShare, 0)} local`)}</text>`,
    );
  });
  return svg(options.id, options.title, width, height, parts);
}

export interface BandRow {
  label: string;
  invoices: number;
  meanDays: number | null;
  /** Shares of invoices by number, each 0..1 (null: none paid). */
  within30: number | null;
  days31to60: number | null;
  days61plus: number | null;
}

export const BAND_COLOURS = { within30: '#1b7a5a', days31to60: '#e0a100', days61plus: '#b83227' };

/** How quickly invoices were paid, one 100% bar per group of suppliers: within 30, 31-60, 61+ days. */
export function paymentBandChart(options: { id: string; title: string; rows: BandRow[] }): string {
  const rowH = 26;
  const width = 680;
  const m = { left: 170, right: 80, top: 6, bottom: 6 };
  const height = m.top + m.bottom + rowH * options.rows.length;
  const plotW = width - m.left - m.right;
  const parts: string[] = [];
  options.rows.forEach((r, i) => {
    const y0 = m.top + i * rowH;
    parts.push(
      `<text x="${m.left - 8}" y="${y0 + 17}" text-anchor="end" font-size="12" fill="${COLOURS.ink}">${esc(r.label)}</text>`,
    );
    let x = m.left;
    for (const band of ['within30', 'days31to60', 'days61plus'] as const) {
      const share = r[band] ?? 0;
      const w = share * plotW;
      parts.push(
        `<rect class="band" data-band="${band}" data-label="${esc(r.label)}" data-value="${r[band] ?? ''}" x="${x.toFixed(1)}" y="${y0 + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${BAND_COLOURS[band]}"><title>${esc(`${r.label}: ${percent(r[band])} ${band === 'within30' ? 'within 30 days' : band === 'days31to60' ? 'in 31 to 60 days' : 'after 60 days'}`)}</title></rect>`,
      );
      if (w >= 34)
        parts.push(
          `<text x="${(x + w / 2).toFixed(1)}" y="${y0 + 17}" text-anchor="middle" font-size="10.5" fill="#fff">${esc(percent(r[band], 0))}</text>`,
        );
      x += w;
    }
    parts.push(
      `<text x="${m.left + plotW + 8}" y="${y0 + 17}" font-size="11" fill="${COLOURS.muted}">${esc(r.meanDays === null ? 'none paid' : `${r.meanDays.toFixed(1)} days`)}</text>`,
    );
  });
  return svg(options.id, options.title, width, height, parts);
}

/** A share as a filled bar out of 100%. */
export function shareBar(options: {
  id: string;
  label: string;
  share: number | null;
  colour: string;
}): string {
  const width = 300;
  const height = 14;
  const filled = Math.max(0, Math.min(1, options.share ?? 0)) * width;
  return svg(
    options.id,
    options.label,
    width,
    height,
    [
      `<rect x="0" y="0" width="${width}" height="${height}" rx="3" fill="${COLOURS.grid}"/>`,
      `<rect class="share-bar" data-value="${options.share ?? ''}" x="0" y="0" width="${filled.toFixed(1)}" height="${height}" rx="3" fill="${options.colour}"/>`,
    ],
    'class="meter" preserveAspectRatio="none"',
  );
}

/**
 * An axis for values up to `value`: a round step (1, 2, 2.5 or 5 times a power of ten) and the
 * smallest multiple of it at or above the value, in at most five steps.
 */
export function niceScale(value: number): { max: number; step: number } {
  if (value <= 0) return { max: 1, step: 0.25 };
  const raw = value / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * power).find((s) => s >= raw)!;
  return { max: Math.ceil(value / step - 1e-9) * step, step };
}

function svg(
  id: string,
  title: string,
  width: number,
  height: number,
  parts: string[],
  extra = 'class="chart"',
): string {
  return `<svg id="${esc(id)}" ${extra} role="img" aria-labelledby="${esc(id)}-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ${FONT} xmlns="http://www.w3.org/2000/svg"><title id="${esc(id)}-title">${esc(title)}</title>${parts.join('')}</svg>`;
}
