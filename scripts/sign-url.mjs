#!/usr/bin/env node
// Reference implementation of imgapi's URL signature, in plain Node.js with no dependencies,
// to copy into your own backend. Usage:
//   node scripts/sign-url.mjs <baseUrl> <clientId> <secret> <imageId.ext> [transform]
//   node scripts/sign-url.mjs https://img.example.com acme "$SECRET" AbC123.webp w_600,f_webp,q_80
import { createHmac } from 'node:crypto';

export function signedUrl(baseUrl, clientId, secret, file, transform = '') {
  const rest = transform ? `${transform}/${file}` : file;
  const signature = createHmac('sha256', secret)
    .update(`${clientId}/${rest}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url');
  return `${baseUrl.replace(/\/+$/, '')}/t/${clientId}/${signature}/${rest}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [baseUrl, clientId, secret, file, transform] = process.argv.slice(2);
  if (!baseUrl || !clientId || !secret || !file) {
    process.stderr.write('usage: sign-url.mjs <baseUrl> <clientId> <secret> <imageId.ext> [transform]\n');
    process.exit(2);
  }
  process.stdout.write(`${signedUrl(baseUrl, clientId, secret, file, transform)}\n`);
}
