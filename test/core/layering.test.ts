import { expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CORE = join(import.meta.dir, '../../src/core');
const FORBIDDEN = [/from ['"]elysia/, /from ['"]commander/, /from ['"]bun:sqlite/, /from ['"]\.\.\/(\.\.\/)?(http|db|storage|context|config)/, /process\.env/];

test('src/core imports no HTTP, CLI, database or storage code and reads no environment', () => {
  const files = readdirSync(CORE, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(10);
  const offences = files.flatMap((file) => {
    const text = readFileSync(join(CORE, file), 'utf8');
    return FORBIDDEN.filter((pattern) => pattern.test(text)).map((pattern) => `${file}: ${pattern}`);
  });
  expect(offences).toEqual([]);
});

const SRC = join(import.meta.dir, '../../src');
const CLI = join(import.meta.dir, '../../cli');
const sources = (root: string) =>
  readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => ({ file: join(root, f).slice(join(import.meta.dir, '../..').length + 1), text: readFileSync(join(root, f), 'utf8') }));
/** Import statements that load code at run time (`import type` and `export type` do not). */
const runtimeImports = (text: string) => [...text.matchAll(/^(?:import|export)(?! type )[^;]*?from ['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

test('nothing outside src/http loads src/http, but the server command (the composition root); the typed client takes only its type', () => {
  const offences = [...sources(SRC), ...sources(CLI)]
    .filter(({ file }) => !file.startsWith('src/http/') && file !== 'cli/commands/serve.ts')
    .flatMap(({ file, text }) => runtimeImports(text).filter((from) => /(^|\/)http\//.test(from)).map((from) => `${file}: ${from}`));
  expect(offences).toEqual([]);
  // serve loads it lazily, so other commands never pay for Elysia.
  expect(runtimeImports(readFileSync(join(CLI, 'commands/serve.ts'), 'utf8')).some((from) => from.includes('http/'))).toBe(false);
});

test('the API contract knows nothing of HTTP routes or the CLI; the dashboard takes only its types', () => {
  const api = sources(join(SRC, 'api')).flatMap(({ file, text }) => runtimeImports(text).filter((from) => /\/(http|cli|dashboard)\//.test(from)).map((from) => `${file}: ${from}`));
  expect(api).toEqual([]);
  const dashboard = sources(join(SRC, 'dashboard')).flatMap(({ file, text }) =>
    // Pure core code it shares: paging, byte sizes, tag normalization and limits, the listing's checks (an address's filters are read with the server's own), the audit log's action list, and the transform parser with its registry (the
    // playground reads a typed string with the server's own parser; the executor and sharp stay out).
    runtimeImports(text)
      .filter((from) => /\.\.\/(api|core\/(?!paging|byte-size|download-name$|limits|image-labels|listing-filters$|date-bounds$|audit\/actions$|transform\/(?:parse|registry|types|ops\/[a-z-]+)$))/.test(from) || from === 'elysia')
      .map((from) => `${file}: ${from}`),
  );
  expect(dashboard).toEqual([]);
});
