import type { Koffi } from "./fmi-session";

const LIBC_NAMES: Record<string, string> = {
  linux: "libc.so.6",
  darwin: "libSystem.B.dylib",
  win32: "msvcrt.dll",
};

let libc: ReturnType<Koffi["load"]> | undefined;

/**
 * The address of a C library function (`calloc`, `free`), to hand to an FMU as a plain
 * function pointer: the FMU then allocates without calling back into JS, from any thread.
 */
export function libcSymbol(koffi: Koffi, name: string): unknown {
  libc ??= koffi.load(LIBC_NAMES[process.platform] ?? "libc.so.6");
  return libc.symbol(name, "char");
}
