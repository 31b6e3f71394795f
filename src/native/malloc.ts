import { dlopen, FFIType } from 'bun:ffi';

const M_ARENA_MAX = -8;

/**
 * glibc's allocator gives each thread that allocates its own arena and keeps freed memory in
 * it, so libvips working on several threads leaves RSS hundreds of MB above what is in use.
 * Two arenas, and a trim when transforms go idle, keep RSS near what is live. Anything but
 * glibc (musl, macOS) is left alone: these calls are then no-ops.
 */
export function createMallocTuning() {
  type Libc = { mallopt: (param: number, value: number) => number; malloc_trim: (pad: number) => number };
  let libc: Libc | null = null;
  try {
    libc = dlopen('libc.so.6', {
      mallopt: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
      malloc_trim: { args: [FFIType.u64], returns: FFIType.i32 },
    }).symbols as unknown as Libc;
  } catch {
    libc = null;
  }
  let lastTrim = 0;
  return {
    available: libc !== null,
    limitArenas(count: number): void {
      libc?.mallopt(M_ARENA_MAX, count);
    },
    /** Returns free heap pages to the system; at most once a second. */
    trim(): void {
      if (!libc || Date.now() - lastTrim < 1000) return;
      lastTrim = Date.now();
      libc.malloc_trim(0);
    },
  };
}
