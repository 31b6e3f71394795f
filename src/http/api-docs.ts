import { openapi } from '@elysiajs/openapi';
import { Elysia } from 'elysia';
import pkg from '../../package.json';
import { FolderTreeNode } from '../api';

const TAGS = [
  { name: 'images', description: 'Upload, list, replace, rename, move and delete originals' },
  { name: 'folders', description: 'Nested folders per client' },
  { name: 'search', description: 'Names of images and folders' },
  { name: 'delivery', description: 'Delivery URLs: signed for any transform, or by preset' },
  { name: 'presets', description: 'Named transforms whose URLs need no signature' },
  { name: 'keys', description: 'API keys of the calling client' },
  { name: 'clients', description: 'Tenants (dashboard session only)' },
  { name: 'session', description: 'Dashboard log-in' },
  { name: 'audit', description: 'Who changed what: the audit log' },
  { name: 'operations', description: 'Health of the node' },
];

/**
 * The OpenAPI document at `/docs/json`, generated from the route schemas: every operation with
 * its summary, operationId, tag, success body and error statuses.
 */
export const apiDocs = () =>
  new Elysia({ name: 'api-docs' })
    .onAfterHandle(({ path, response }) => {
      if (path === '/docs/json') {
        dropBodiesOfEmptyResponses(response as OpenApiDocument);
        fileResponsesByType(response as OpenApiDocument);
      }
    })
    .use(
      openapi({
        path: '/docs',
        // Its page loads the viewer from a CDN; routes/docs.ts serves one bundled here instead.
        provider: null,
        exclude: { paths: ['/t/*', '/metrics', '/', '/assets/:name'] },
        documentation: {
          info: {
            title: 'imgapi',
            version: pkg.version,
            description:
              'Management API of imgapi, a self-hosted image service. Every /api/v1 route needs an `X-Api-Key` header ' +
              '(or a dashboard session with `X-Imgapi-Client`). Errors are `{ "error": { "code", "message" } }`.',
          },
          servers: [{ url: '/', description: 'This server' }],
          tags: TAGS,
          components: {
            securitySchemes: {
              apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
              session: { type: 'apiKey', in: 'cookie', name: 'imgapi_session' },
            },
            schemas: { FolderTreeNode: FolderTreeNode as never },
          },
          security: [{ apiKey: [] }],
        },
      }),
    );

interface OpenApiDocument {
  paths?: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>>;
}

/**
 * The plugin writes a body-less answer (204, `t.Void`) as `content: { type: "void" }`, which is
 * not OpenAPI: such a response has a description and no content. Fixed in place (the plugin
 * keeps the document it built), so this runs once per document.
 */
function dropBodiesOfEmptyResponses(document: OpenApiDocument): void {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        if (typeof response.content?.type === 'string') delete response.content;
      }
    }
  }
}

/**
 * A file answer (`t.File({ type })`, e.g. a ZIP) comes out as `text/plain` with a non-OpenAPI
 * `extension`: it is written under its own media type as binary instead.
 */
function fileResponsesByType(document: OpenApiDocument): void {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        const plain = response.content?.['text/plain'] as { schema?: { format?: string; extension?: string; description?: string } } | undefined;
        const type = plain?.schema?.extension;
        if (plain?.schema?.format !== 'binary' || typeof type !== 'string') continue;
        response.content = { [type]: { schema: { type: 'string', format: 'binary', description: plain.schema.description } } };
      }
    }
  }
}
