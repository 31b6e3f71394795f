// The native pieces an executable for one target is made of: sharp's addon and libvips, and for
// a CPU other than this machine's, the Bun runtime the executable is built on. This machine's
// come from the project's node_modules; another CPU's are installed with npm, at build time only,
// into a scratch directory of their own, so the project's node_modules (and every x64 install)
// never carries them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostTarget, type BuildTarget } from './build-targets';

const ROOT = join(import.meta.dir, '..');
const SCRATCH = join(ROOT, 'node_modules', '.cache', 'imgapi-build');

export interface NativePieces {
  platform: string;
  sharpVersion: string;
  addonDir: string;
  vipsDir: string;
  /** The target's Bun runtime; absent for this machine's own target (Bun then uses itself). */
  executablePath?: string;
}

interface LockEntry {
  version?: string;
  integrity?: string;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function lockPackages(path: string): Record<string, LockEntry> {
  return existsSync(path) ? (readJson<{ packages?: Record<string, LockEntry> }>(path).packages ?? {}) : {};
}

/** Exact versions: sharp names the versions of its platform packages, Bun runs as its own. */
function wantedPackages(target: BuildTarget): { sharpVersion: string; wanted: Record<string, string> } {
  const sharp = readJson<{ version: string; optionalDependencies: Record<string, string> }>(join(ROOT, 'node_modules/sharp/package.json'));
  const wanted: Record<string, string> = {};
  for (const name of [`@img/sharp-${target.name}`, `@img/sharp-libvips-${target.name}`]) {
    const version = sharp.optionalDependencies[name];
    if (!version) throw new Error(`sharp ${sharp.version} has no package ${name}`);
    wanted[name] = version;
  }
  // The executable's bytecode is made by this Bun, so the runtime must be this Bun's version.
  wanted[target.bunPackage] = Bun.version;
  return { sharpVersion: sharp.version, wanted };
}

function installed(dir: string, wanted: Record<string, string>): boolean {
  const lock = lockPackages(join(dir, 'package-lock.json'));
  return Object.entries(wanted).every(
    ([name, version]) => lock[`node_modules/${name}`]?.version === version && existsSync(join(dir, 'node_modules', name, 'package.json')),
  );
}

async function npmInstall(dir: string, target: BuildTarget, wanted: Record<string, string>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  // As optional dependencies, because npm applies --os/--cpu to those; a direct install of a
  // package for another CPU is refused (EBADPLATFORM) whatever --cpu says.
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ private: true, optionalDependencies: wanted }, null, 2)}\n`);
  const argv = ['npm', 'install', '--os=linux', `--cpu=${target.cpu}`, '--libc=glibc', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
  console.error(`build: ${argv.join(' ')} (in ${dir})`);
  const npm = Bun.spawn(argv, { cwd: dir, stdout: 'inherit', stderr: 'inherit' });
  if ((await npm.exited) !== 0) throw new Error(`npm install for ${target.name} failed`);
}

/**
 * The scratch install must hold exactly what package-lock.json pins (same version, same
 * integrity): the executable embeds what the project reviewed, not whatever the registry
 * answers today.
 */
export function checkAgainstProjectLock(projectLock: string, dir: string, wanted: Record<string, string>): void {
  const project = lockPackages(projectLock);
  const scratch = lockPackages(join(dir, 'package-lock.json'));
  for (const [name, version] of Object.entries(wanted)) {
    const pinned = project[`node_modules/${name}`];
    const got = scratch[`node_modules/${name}`];
    if (!got || !existsSync(join(dir, 'node_modules', name, 'package.json'))) throw new Error(`npm did not install ${name}@${version} (into ${dir})`);
    if (pinned?.version !== version) {
      throw new Error(`package-lock.json pins ${name} at ${pinned?.version ?? 'nothing'}, the build needs ${version}: npm install, or build with node_modules/.bin/bun (npm run build)`);
    }
    if (!pinned.integrity || pinned.integrity !== got.integrity) throw new Error(`${name}@${version}: npm installed ${got.integrity}, package-lock.json pins ${pinned.integrity}`);
  }
}

export async function nativePieces(target: BuildTarget): Promise<NativePieces> {
  const { sharpVersion, wanted } = wantedPackages(target);
  if (target === hostTarget()) {
    const resolve = (name: string) => join(dirname(require.resolve(`${name}/package`)), 'lib');
    return { platform: target.name, sharpVersion, addonDir: resolve(`@img/sharp-${target.name}`), vipsDir: resolve(`@img/sharp-libvips-${target.name}`) };
  }
  const dir = join(SCRATCH, target.name);
  if (!installed(dir, wanted)) await npmInstall(dir, target, wanted);
  checkAgainstProjectLock(join(ROOT, 'package-lock.json'), dir, wanted);
  const modules = join(dir, 'node_modules');
  return {
    platform: target.name,
    sharpVersion,
    addonDir: join(modules, `@img/sharp-${target.name}`, 'lib'),
    vipsDir: join(modules, `@img/sharp-libvips-${target.name}`, 'lib'),
    executablePath: join(modules, target.bunPackage, 'bin', 'bun'),
  };
}
