import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('openapi/openapi.json', () => {
  it('is what the routes produce (run `npm run openapi` after changing a route or schema)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(t.app.swagger())));
  });

  it('requires a key on every /v1 operation', () => {
    const doc = t.app.swagger() as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const v1 = Object.entries(doc.paths).filter(([p]) => p.startsWith('/v1'));
    expect(v1.length).toBeGreaterThan(0);
    for (const [, operations] of v1) {
      for (const op of Object.values(operations)) expect(op.security).toEqual([{ apiKey: [] }]);
    }
  });
});
