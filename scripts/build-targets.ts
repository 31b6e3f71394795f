// The platforms `npm run build` makes an executable for, and which file each build writes.

export interface BuildTarget {
  name: 'linux-x64' | 'linux-arm64';
  /** npm's and Node's name for the CPU (`--cpu`, `process.arch`); sharp's packages use it too. */
  cpu: 'x64' | 'arm64';
  /** Bun's compile target. */
  bunTarget: 'bun-linux-x64' | 'bun-linux-arm64';
  /** The npm package holding Bun's runtime for this platform (Bun says aarch64 where npm says arm64). */
  bunPackage: string;
  /** ELF e_machine of the executable, to check what was built. */
  elfMachine: number;
}

export const TARGETS: readonly BuildTarget[] = [
  { name: 'linux-x64', cpu: 'x64', bunTarget: 'bun-linux-x64', bunPackage: '@oven/bun-linux-x64', elfMachine: 0x3e },
  { name: 'linux-arm64', cpu: 'arm64', bunTarget: 'bun-linux-arm64', bunPackage: '@oven/bun-linux-aarch64', elfMachine: 0xb7 },
];

export function hostTarget(): BuildTarget | undefined {
  return process.platform === 'linux' ? TARGETS.find((t) => t.cpu === process.arch) : undefined;
}

export interface PlannedBuild {
  target: BuildTarget;
  outfile: string;
}

export const BUILD_USAGE = `usage: npm run build [-- --target ${[...TARGETS.map((t) => t.name), 'all'].join('|')}]`;

/**
 * No `--target`: the machine's own platform, written to dist/imgapi (what the README's first
 * commands run). A named target is written to dist/imgapi-<target>, so `--target all` leaves
 * one file per platform side by side and never an ambiguous dist/imgapi.
 */
export function planBuilds(argv: readonly string[]): PlannedBuild[] {
  let wanted: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--target' && argv[i + 1] !== undefined && wanted === undefined) wanted = argv[++i];
    else if (arg.startsWith('--target=') && wanted === undefined) wanted = arg.slice('--target='.length);
    else throw new Error(`unexpected argument ${JSON.stringify(arg)}\n${BUILD_USAGE}`);
  }
  if (wanted === undefined) {
    const host = hostTarget();
    if (!host) throw new Error(`this machine (${process.platform}-${process.arch}) is not a build target: pass --target\n${BUILD_USAGE}`);
    return [{ target: host, outfile: 'dist/imgapi' }];
  }
  const chosen = wanted === 'all' ? TARGETS : TARGETS.filter((t) => t.name === wanted);
  if (chosen.length === 0) throw new Error(`unknown target ${JSON.stringify(wanted)}\n${BUILD_USAGE}`);
  return chosen.map((target) => ({ target, outfile: `dist/imgapi-${target.name}` }));
}

/** The ELF e_machine of an executable (little-endian ELF, as both targets are), or null. */
export async function elfMachine(path: string): Promise<number | null> {
  const head = new Uint8Array(await Bun.file(path).slice(0, 20).arrayBuffer());
  if (head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return null;
  return head[18]! | (head[19]! << 8);
}
