// How to run an executable built for another CPU on this machine: Debian's qemu user-mode
// emulator, with the target's C and C++ runtime from the cross packages (Bun's executables are
// dynamically linked against glibc, libstdc++ and libgcc_s).
import { existsSync } from 'node:fs';
import { elfMachine, hostTarget, TARGETS } from './build-targets';

const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';
export const ARM64_APT_PACKAGES = 'qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross';

/** The command prefix that runs `binary` here: nothing for this machine's CPU, qemu for arm64 on x64. */
export async function commandPrefix(binary: string): Promise<string[]> {
  const machine = await elfMachine(binary);
  const target = TARGETS.find((t) => t.elfMachine === machine);
  if (!target) throw new Error(`${binary} is not a Linux x64 or arm64 executable`);
  if (target === hostTarget()) return [];
  if (target.name !== 'linux-arm64') throw new Error(`no emulator is set up to run ${target.name} executables here`);
  const qemu = Bun.which('qemu-aarch64-static');
  const missing = [qemu ? null : 'qemu-aarch64-static', ...['ld-linux-aarch64.so.1', 'libstdc++.so.6', 'libgcc_s.so.1'].filter((f) => !existsSync(`${ARM64_SYSROOT}/lib/${f}`))];
  if (!qemu || missing.some(Boolean)) {
    throw new Error(`running ${binary} needs ${missing.filter(Boolean).join(', ')}: apt-get install ${ARM64_APT_PACKAGES}`);
  }
  return [qemu, '-L', ARM64_SYSROOT];
}
