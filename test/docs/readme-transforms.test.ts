import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPS } from '../../src/core/transform/registry';
import { startServer, type TestServer } from '../helpers/server';

const README = readFileSync(join(import.meta.dir, '../../README.md'), 'utf8');
const KEYS = OPS.map((op) => op.key);

/** The section under `### Transforms`, up to the next heading. */
function transformsSection(): string {
  const start = README.indexOf('\n### Transforms\n');
  expect(start).toBeGreaterThan(0);
  const rest = README.slice(start + 1);
  const end = rest.slice(1).search(/\n#{2,4} /);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

/** Rows of the section's first table, as cells, without the header and the rule under it. */
function tableRows(section: string): string[][] {
  const lines = section.split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const table = lines.slice(first, lines.findIndex((line, i) => i > first && !line.startsWith('|')));
  return table.slice(2).map((line) => line.slice(1, -1).split(' | ').map((cell) => cell.trim()));
}

describe("README's transform table is the registry's", () => {
  const section = transformsSection();

  test('every key of the registry, in canonical order, with its own meaning and values', () => {
    const rows = tableRows(section);
    expect(rows.map((row) => row[0])).toEqual(KEYS);
    expect(rows).toEqual(OPS.map((op) => [op.key, op.doc.meaning, op.doc.values]));
  });

  test('the canonical order it states is the registry order', () => {
    const flat = section.replace(/\s+/g, ' ');
    expect(flat).toContain(`keys in the order ${KEYS.join(', ')};`);
  });
});

describe('the OpenAPI description of a transform', () => {
  let s: TestServer;
  let document: any;
  beforeAll(async () => {
    s = await startServer();
    document = await (await fetch(`${s.url}/docs/json`)).json();
  });
  afterAll(() => s.stop());

  const bodyOf = (path: string) => document.paths[path].post.requestBody.content['application/json'].schema;

  test("/sign's transform and a preset's params name every key with its values", () => {
    for (const description of [bodyOf('/api/v1/sign').properties.transform.description, bodyOf('/api/v1/presets').properties.params.description]) {
      for (const op of OPS) expect(description).toContain(`\`${op.key}\`: ${op.doc.meaning}. Values: ${op.doc.values}.`);
      expect(description).toContain(`Canonical order (as returned): ${KEYS.join(', ')}.`);
    }
  });
});
