import { expect, test } from 'bun:test';
import { outboundPost } from '../../src/core/outbound/outbound-post';
import { checkTargetForRegistration, isForbiddenAddress, resolveTarget } from '../../src/core/outbound/ssrf-guard';

test.each([
  ['127.0.0.1', true], ['0.0.0.0', true], ['10.1.2.3', true], ['100.64.0.1', true], ['100.128.0.1', false], ['169.254.169.254', true],
  ['172.15.255.255', false], ['172.16.0.1', true], ['192.168.0.1', true], ['8.8.8.8', false], ['224.0.0.1', true], ['255.255.255.255', true],
  ['::', true], ['::1', true], ['::ffff:127.0.0.1', true], ['::ffff:8.8.8.8', false], ['::ffff:a9fe:a9fe', true], ['64:ff9b::a00:1', true],
  ['fd00::1', true], ['fc00::', true], ['fe80::1%eth0', true], ['febf::1', true], ['ff02::1', true], ['2606:4700::1111', false],
  ['2002:7f00:1::', true], ['not-an-ip', true],
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
