import { describe, expect, it } from 'vitest';
import { niceScale, shareLineChart, spendBarChart, spendColumnChart } from './report-charts.ts';

const count = (svg: string, cls: string) => svg.split(`class="${cls}"`).length - 1;

describe('niceScale', () => {
  it.each([
    [104_200_000, 125_000_000, 25_000_000],
    [4_400, 5_000, 1_000],
    [1, 1, 0.2],
    [0, 1, 0.25],
    [99, 100, 20],
  ])('%d -> max %d in steps of %d', (value, max, step) => {
    const scale = niceScale(value);
    expect(scale.max).toBeCloseTo(max, 6);
    expect(scale.step).toBeCloseTo(step, 6);
    expect(scale.max / scale.step).toBeLessThanOrEqual(5.0000001);
  });
});

describe('charts', () => {
  it('draws a point per figure, none for a missing one, each with its exact value', () => {
    const svg = shareLineChart({
      id: 'c',
      title: 'Shares',
      categories: ['2021/22', '2022/23'],
      series: [
        { key: 'local', name: 'Local', colour: '#000', values: [0.21, 0.2192771] },
        { key: 'vcfse', name: 'VCFSE', colour: '#000', values: [null, 0.09] },
      ],
    });
    expect(count(svg, 'point')).toBe(3);
    expect(count(svg, 'line')).toBe(1);
    expect(svg).toContain('data-value="0.2192771"');
    expect(svg).toContain('<title>Local, 2022/23: 21.9%</title>');
  });

  it('draws a column and its local part per quarter', () => {
    const svg = spendColumnChart({
      id: 'q',
      title: 'Quarters',
      columns: ['Q1', 'Q2', 'Q3', 'Q4'].map((label) => ({
        label,
        total: '100.00',
        local: '25.00',
      })),
    });
    expect(count(svg, 'bar')).toBe(4);
    expect(count(svg, 'bar-local')).toBe(4);
  });

  it('escapes labels from the data', () => {
    const svg = spendBarChart({
      id: 's',
      title: 'Services',
      rows: [
        { label: '<script>alert(1)</script>', total: '10.00', local: '5.00', localShare: 0.5 },
      ],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(count(svg, 'bar')).toBe(1);
  });

  it('keeps a credit-heavy (negative) column at zero height', () => {
    const svg = spendColumnChart({
      id: 'q',
      title: 'Quarters',
      columns: [{ label: 'Q1', total: '-50.00', local: '0.00' }],
    });
    expect(svg).toMatch(/class="bar"[^>]*height="0\.0"/);
  });
});
