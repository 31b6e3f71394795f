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
