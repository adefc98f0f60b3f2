import { describe, expect, it } from 'vitest';
import {
  compactPounds,
  esc,
  longDate,
  percent,
  pointsChange,
  pounds,
  relativeChange,
  wholePounds,
} from './report-format.ts';

describe('report formats', () => {
  it('writes pounds exactly, from the decimal string', () => {
    expect(pounds('91000000.00')).toBe('£91,000,000.00');
    expect(pounds('-12.50')).toBe('-£12.50');
    expect(pounds('999.99')).toBe('£999.99');
    expect(pounds('90071992547409.93')).toBe('£90,071,992,547,409.93');
  });

  it('rounds to whole pounds half up', () => {
    expect(wholePounds('1234.49')).toBe('£1,234');
    expect(wholePounds('1234.50')).toBe('£1,235');
    expect(wholePounds('-0.40')).toBe('£0');
    expect(wholePounds('-1234.50')).toBe('-£1,235');
  });

  it('shortens for cards and axes', () => {
    expect(compactPounds('415000000.00')).toBe('£415.0m');
    expect(compactPounds('1234567890.00')).toBe('£1.23bn');
    expect(compactPounds('12345.67')).toBe('£12.3k');
    expect(compactPounds('950.00')).toBe('£950');
    expect(compactPounds('-2500000.00')).toBe('-£2.5m');
  });

  it('writes shares and changes', () => {
    expect(percent(0.2192771)).toBe('21.9%');
    expect(percent(null)).toBe('n/a');
    expect(relativeChange(0.03)).toBe('+3.0%');
    expect(relativeChange(-0.012)).toBe('−1.2%');
    expect(relativeChange(null)).toBe('');
    expect(pointsChange(0.004)).toBe('+0.4 points');
    expect(pointsChange(-0.008)).toBe('−0.8 points');
  });

  it('escapes every character that means something in HTML', () => {
    expect(esc(`<a href="x" onclick='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('writes dates the British way', () => {
    expect(longDate('2023-03-31')).toBe('31 March 2023');
    expect(longDate('2026-11-25T21:00:00.000Z')).toBe('25 November 2026');
  });
});
