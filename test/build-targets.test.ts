import { expect, test } from 'bun:test';
import { planBuilds } from '../scripts/build-targets';

const plan = (argv: string[]) => planBuilds(argv).map(({ target, outfile }) => [target.name, outfile]);

test('no --target builds this machine to dist/imgapi; a named target is written under its name', () => {
  expect(plan([])).toEqual([[process.arch === 'arm64' ? 'linux-arm64' : 'linux-x64', 'dist/imgapi']]);
  expect(plan(['--target', 'linux-arm64'])).toEqual([['linux-arm64', 'dist/imgapi-linux-arm64']]);
  expect(plan(['--target=linux-x64'])).toEqual([['linux-x64', 'dist/imgapi-linux-x64']]);
  expect(plan(['--target', 'all'])).toEqual([
    ['linux-x64', 'dist/imgapi-linux-x64'],
    ['linux-arm64', 'dist/imgapi-linux-arm64'],
  ]);
});

test.each([
  [['--target', 'windows-x64'], 'unknown target "windows-x64"'],
  [['--target'], 'unexpected argument "--target"'],
  [['--target', 'all', '--target', 'linux-x64'], 'unexpected argument "--target"'],
  [['--outfile', 'x'], 'unexpected argument "--outfile"'],
])('%p is refused with the usage', (argv, message) => {
  expect(() => planBuilds(argv)).toThrow(message);
  expect(() => planBuilds(argv)).toThrow('usage: npm run build [-- --target linux-x64|linux-arm64|all]');
});
