import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, negotiateFormat } from './negotiate.ts';

describe('negotiateFormat', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['application/json', 'json'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'html'],
    ['text/csv', 'csv'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
    ['text/csv;q=0.5, application/json;q=0.9', 'json'],
    ['application/json;q=0, text/csv', 'csv'],
    ['*/*', 'json'],
    ['TEXT/HTML', 'html'],
  ])('Accept %j -> %s', (accept, format) => {
    expect(negotiateFormat(undefined, accept, EXPORT_FORMATS)).toBe(format);
  });

  it('answers nothing when no form the report comes in is acceptable', () => {
    expect(negotiateFormat(undefined, 'application/pdf', EXPORT_FORMATS)).toBeUndefined();
    expect(negotiateFormat(undefined, 'text/csv;q=0', EXPORT_FORMATS)).toBeUndefined();
  });

  it('lets ?format= win over the header', () => {
    expect(negotiateFormat('xlsx', 'text/html', EXPORT_FORMATS)).toBe('xlsx');
  });

  it('offers only the forms a route has, skipping to the next acceptable one', () => {
    expect(negotiateFormat(undefined, 'text/html, text/csv;q=0.5', ['json', 'csv'])).toBe('csv');
    expect(negotiateFormat(undefined, 'text/html', ['json', 'csv'])).toBeUndefined();
    expect(negotiateFormat(undefined, 'text/*', ['json', 'csv'])).toBe('csv');
  });
});
