import { expect, test } from 'bun:test';
import { outboundPost } from '../../src/core/outbound/outbound-post';
import { checkTargetForRegistration, isForbiddenAddress, OUTBOUND_TIMEOUT_MS, resolveTarget } from '../../src/core/outbound/ssrf-guard';
import { guardedSender } from '../../src/core/purge/requests';

test.each([
  ['127.0.0.1', true], ['0.0.0.0', true], ['10.1.2.3', true], ['100.64.0.1', true], ['100.128.0.1', false], ['169.254.169.254', true],
  ['172.15.255.255', false], ['172.16.0.1', true], ['192.168.0.1', true], ['8.8.8.8', false], ['224.0.0.1', true], ['255.255.255.255', true],
  ['::', true], ['::1', true], ['::ffff:127.0.0.1', true], ['::ffff:8.8.8.8', false], ['::ffff:a9fe:a9fe', true], ['64:ff9b::a00:1', true],
  ['fd00::1', true], ['fc00::', true], ['fe80::1%eth0', true], ['febf::1', true], ['ff02::1', true], ['2606:4700::1111', false],
  ['2002:7f00:1::', true], ['not-an-ip', true],
  // NAT64 64:ff9b::/96 reaches the IPv4 it embeds; local-use NAT64, Teredo, discard-only and IPv4-translated are refused whole.
  ['64:ff9b::10.0.0.1', true], ['64:ff9b::a9fe:a9fe', true], ['64:ff9b::7f00:1', true], ['64:ff9b::808:808', false], ['64:ff9b::8.8.8.8', false],
  ['64:ff9b:1::808:808', true], ['64:ff9b:1:ffff::1', true], ['64:ff9b:2::808:808', false],
  ['2001::1', true], ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true], ['2001:1::1', false], ['2001:4860:4860::8888', false],
  ['100::', true], ['100::1', true], ['100::ffff:ffff:ffff:ffff', true], ['100:0:0:1::1', false],
  ['::ffff:0:127.0.0.1', true], ['::ffff:0:8.8.8.8', true], ['::ffff:0:a00:1', true],
])('%s forbidden: %p', (address, forbidden) => {
  expect(isForbiddenAddress(address)).toBe(forbidden);
});

test('a name is resolved once: any private answer refuses it; allowed, the first answer is the address connected to', async () => {
  const lookup = async () => [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.5', family: 4 }];
  await expect(resolveTarget('https://hooks.example.com/x', { allowPrivate: false }, lookup)).rejects.toMatchObject({ code: 'forbidden_target' });
  const target = await resolveTarget('https://hooks.example.com/x', { allowPrivate: true }, lookup);
  expect(target).toMatchObject({ address: '93.184.215.14', family: 4 });
  expect(target.url.hostname).toBe('hooks.example.com');
});

test('a forbidden answer is refused without naming the address (the message reaches the caller and the purge log)', async () => {
  for (const address of ['10.11.12.13', 'fd12:3456::7', '64:ff9b:1::a0b:c0d']) {
    const error = await resolveTarget('https://inside.example.com/x', { allowPrivate: false }, async () => [{ address, family: address.includes(':') ? 6 : 4 }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'forbidden_target', message: 'inside.example.com resolves to a forbidden (private, loopback, link-local or metadata) address' });
    expect((error as Error).message).not.toContain(address);
  }
});

test('the lookup races the call\'s deadline: a resolver that never answers fails as unavailable once it passes', async () => {
  const never = () => new Promise<never>(() => {});
  const started = performance.now();
  await expect(resolveTarget('https://hangs.example.com/', { allowPrivate: false }, never, 150)).rejects.toMatchObject({ code: 'unavailable', message: 'hangs.example.com did not resolve within 0.15 s' });
  expect(performance.now() - started).toBeLessThan(1_000);
  const slow = async () => {
    await Bun.sleep(300);
    return [{ address: '93.184.215.14', family: 4 }];
  };
  await expect(resolveTarget('https://slow.example.com/', { allowPrivate: false }, slow, 100)).rejects.toMatchObject({ code: 'unavailable' });
  expect((await resolveTarget('https://slow.example.com/', { allowPrivate: false }, slow, 2_000)).address).toBe('93.184.215.14');
});

test('guardedSender: the lookup and the POST share one 10 s deadline', async () => {
  let timeoutMs: number | undefined;
  const send = guardedSender({ allowPrivate: false }, {
    lookup: async () => {
      await Bun.sleep(200);
      return [{ address: '93.184.215.14', family: 4 }];
    },
    post: async (request) => {
      timeoutMs = request.timeoutMs;
      return { status: 200, body: '', latencyMs: 0, error: null };
    },
  });
  await send({ method: 'POST', url: 'https://api.example.com/purge', headers: {}, body: null });
  expect(timeoutMs).toBeGreaterThan(OUTBOUND_TIMEOUT_MS - 1_000);
  expect(timeoutMs).toBeLessThanOrEqual(OUTBOUND_TIMEOUT_MS - 190);
});

test('outbound POST connects to the resolved address with the URL host in Host, follows no redirect, keeps 1 KB of the answer, times out', async () => {
  let hosts: (string | null)[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: async (request) => {
      hosts.push(request.headers.get('host'));
      const path = new URL(request.url).pathname;
      if (path === '/redirect') return new Response(null, { status: 302, headers: { location: '/elsewhere' } });
      if (path === '/slow') await Bun.sleep(1_000);
      return new Response('x'.repeat(10_000));
    },
  });
  try {
    const target = (path: string) => ({ url: new URL(`http://hooks.example.invalid:${server.port}${path}`), address: '127.0.0.1', family: 4 as const });
    const big = await outboundPost({ target: target('/big'), headers: {}, body: '{}' });
    expect(big).toMatchObject({ status: 200, error: null });
    expect(big.body.length).toBe(1024);
    expect(hosts[0]).toBe(`hooks.example.invalid:${server.port}`);
    hosts = [];
    const redirect = await outboundPost({ target: target('/redirect'), headers: {}, body: '{}' });
    expect(redirect.status).toBe(302);
    expect(hosts.length).toBe(1);
    const slow = await outboundPost({ target: target('/slow'), headers: {}, body: '{}', timeoutMs: 200 });
    expect(slow.status).toBeNull();
    expect(slow.error).toContain('no answer within');
    expect(slow.latencyMs).toBeLessThan(900);
  } finally {
    server.stop(true);
  }
});

test('registration looks a name up without connecting: a private answer is refused, no answer is accepted (checked again at send)', async () => {
  const policy = { allowPrivate: false };
  await expect(checkTargetForRegistration('https://intranet.example.com/', policy, async () => [{ address: '10.0.0.1', family: 4 }])).rejects.toMatchObject({ code: 'forbidden_target' });
  await expect(checkTargetForRegistration('https://rebind.example.com/', policy, async () => [{ address: '::ffff:7f00:1', family: 6 }])).rejects.toMatchObject({ code: 'forbidden_target' });
  const later = await checkTargetForRegistration('https://not-yet.example.com/x', policy, async () => {
    throw new Error('ENOTFOUND');
  });
  expect(later.href).toBe('https://not-yet.example.com/x');
  expect((await checkTargetForRegistration('http://127.0.0.1:9/', { allowPrivate: true })).port).toBe('9');
});
