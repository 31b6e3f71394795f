import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../../src/http/app';
import { png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

const ROOT = resolve(import.meta.dir, '../..');
const bin = (path: string) => join(ROOT, 'node_modules', path);

let s: TestServer;
let dir: string;
let documentText: string;
beforeAll(async () => {
  s = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'imgapi-openapi-'));
  documentText = await (await fetch(`${s.url}/docs/json`)).text();
  writeFileSync(join(dir, 'openapi.json'), documentText);
});
afterAll(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(command: string[], cwd = dir) {
  const result = Bun.spawnSync(command, { cwd, stdout: 'pipe', stderr: 'pipe', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.exitCode, output: `${result.stdout.toString()}${result.stderr.toString()}` };
}

describe('the OpenAPI document', () => {
  test('every route of the app declares its success and error bodies, a summary and an operationId', () => {
    const app = createApp(s.ctx);
    const documented = app.routes.filter((r) => !r.path.startsWith('/docs') && !['/', '/assets/:name', '/metrics'].includes(r.path));
    expect(documented.length).toBeGreaterThan(20);
    const missing = documented.flatMap((route) => {
      const hooks = route.hooks as { response?: Record<number, unknown>; detail?: { summary?: string; operationId?: string } };
      const statuses = Object.keys(hooks.response ?? {}).map(Number);
      const problems: string[] = [];
      if (!statuses.some((status) => status >= 200 && status < 300)) problems.push('no 2xx schema');
      if (!statuses.some((status) => status >= 400)) problems.push('no error schema');
      if (!hooks.detail?.summary) problems.push('no summary');
      if (!hooks.detail?.operationId) problems.push('no operationId');
      return problems.map((problem) => `${route.method} ${route.path}: ${problem}`);
    });
    expect(missing).toEqual([]);
  });

  test('documents every /api/v1 operation with typed bodies and the error schema', () => {
    const document = JSON.parse(documentText);
    expect(document.servers).toEqual([{ url: '/', description: 'This server' }]);
    expect(document.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    const upload = document.paths['/api/v1/images'].post;
    expect(upload.operationId).toBe('uploadImage');
    expect(Object.keys(upload.responses['201'].content['application/json'].schema.properties)).toContain('thumbnailUrl');
    expect(upload.responses['415'].content['application/json'].schema.properties.error.required).toEqual(['code', 'message']);
    expect(document.paths['/api/v1/images/{id}'].delete.responses['204']).toEqual({ description: 'In the trash; with permanent=true deleted, with its files and cached variants' });
    expect(document.paths['/api/v1/images/{id}'].delete.parameters.find((p: any) => p.name === 'permanent')).toMatchObject({ in: 'query', required: false });
    expect(document.paths['/api/v1/trash'].get.operationId).toBe('listTrash');
    expect(document.paths['/api/v1/images/{id}/restore'].post.operationId).toBe('restoreImage');
    const operationIds = Object.values(document.paths).flatMap((ops: any) => Object.values(ops).map((op: any) => op.operationId));
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  test("passes Redocly's recommended lint with no errors", () => {
    const { code, output } = run(['node', bin('@redocly/cli/bin/cli.js'), 'lint', 'openapi.json', '--format=stylish']);
    expect(output).not.toMatch(/\berror\b {2,}/);
    expect([code, output.includes('Woohoo! Your API description is valid') || output.includes('is valid')]).toEqual([0, true]);
  });

  test('types generated with openapi-typescript type-check a program that uploads, lists, signs and deletes, and the program runs', async () => {
    const generated = run(['node', bin('openapi-typescript/bin/cli.js'), 'openapi.json', '-o', 'api.d.ts']);
    expect(generated.code).toBe(0);
    writeFileSync(
      join(dir, 'program.ts'),
      `import type { paths } from './api';

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> =
  paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer B } } } } ? B : never;

const [base, key, file] = process.argv.slice(2) as [string, string, string];
const headers = { 'x-api-key': key };

async function main(): Promise<void> {
  const form = new FormData();
  form.append('file', new File([await Bun.file(file).arrayBuffer()], 'typed.png'));
  form.append('folder', 'typed/client');
  const uploaded = (await (await fetch(base + '/api/v1/images', { method: 'POST', headers, body: form })).json()) as Json<'/api/v1/images', 'post', 201>;
  const width: number = uploaded.width;
  const page = (await (await fetch(base + '/api/v1/images?folder=typed/client', { headers })).json()) as Json<'/api/v1/images', 'get', 200>;
  const names: string[] = page.items.map((image) => image.originalName);
  type SignBody = NonNullable<paths['/api/v1/sign']['post']['requestBody']>['content']['application/json'];
  const signBody: SignBody = { imageId: uploaded.id, transform: 'w_10,f_png' };
  const signed = (await (
    await fetch(base + '/api/v1/sign', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(signBody) })
  ).json()) as Json<'/api/v1/sign', 'post', 200>;
  const url: string = signed.url;
  const delivered = await fetch(url);
  const deleted = await fetch(base + '/api/v1/images/' + uploaded.id, { method: 'DELETE', headers });
  console.log(JSON.stringify({ width, names, delivered: delivered.status, deleted: deleted.status }));
}
await main();
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'Preserve', target: 'ESNext', moduleResolution: 'bundler', types: ['bun'], typeRoots: [join(ROOT, 'node_modules/@types')], skipLibCheck: true }, files: ['program.ts', 'api.d.ts'] }),
    );
    const checked = run(['node', bin('typescript/bin/tsc'), '-p', 'tsconfig.json']);
    expect(checked).toEqual({ code: 0, output: '' });
    // A program with a wrong field name must not type-check: the types are real, not `unknown`.
    writeFileSync(join(dir, 'wrong.ts'), `import type { paths } from './api';\ntype Image = paths['/api/v1/images/{id}']['get']['responses'][200]['content']['application/json'];\nexport const w = (i: Image): number => i.widht;\n`);
    writeFileSync(join(dir, 'tsconfig.wrong.json'), JSON.stringify({ extends: './tsconfig.json', files: ['wrong.ts', 'api.d.ts'] }));
    expect(run(['node', bin('typescript/bin/tsc'), '-p', 'tsconfig.wrong.json']).output).toContain("Property 'widht' does not exist");

    const image = join(dir, 'image.png');
    writeFileSync(image, await png(40, 20));
    // Asynchronously: the server answering the program runs in this process.
    const program = Bun.spawn([process.execPath, 'program.ts', s.url, s.apiKey, image], { cwd: dir, stdout: 'pipe', stderr: 'pipe' });
    const [output, code] = await Promise.all([new Response(program.stdout).text(), program.exited]);
    expect(code).toBe(0);
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({ width: 40, names: ['typed.png'], delivered: 200, deleted: 204 });
  });
});
