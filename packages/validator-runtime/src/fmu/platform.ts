/** An FMI version this validator reads. */
export type FmiVersion = "2.0" | "3.0";

const FMI2_FOLDERS: Record<string, string> = {
  "linux-x64": "linux64",
  "linux-ia32": "linux32",
  "win32-x64": "win64",
  "win32-ia32": "win32",
  "darwin-x64": "darwin64",
};

const FMI3_FOLDERS: Record<string, string> = {
  "linux-x64": "x86_64-linux",
  "linux-ia32": "x86-linux",
  "linux-arm64": "aarch64-linux",
  "win32-x64": "x86_64-windows",
  "win32-ia32": "x86-windows",
  "darwin-x64": "x86_64-darwin",
  "darwin-arm64": "aarch64-darwin",
};

const EXTENSIONS: Record<string, string> = { linux: ".so", win32: ".dll", darwin: ".dylib" };

/**
 * The `binaries/` sub-folder for this machine: `linux64` (FMI 2) or `x86_64-linux` (FMI 3) on
 * x86-64 Linux; undefined when the standard names none (FMI 2 on arm64, for example).
 */
export function platformFolder(
  version: FmiVersion,
  platform: string = process.platform,
  arch: string = process.arch,
): string | undefined {
  return (version === "2.0" ? FMI2_FOLDERS : FMI3_FOLDERS)[`${platform}-${arch}`];
}

/** The shared-library file extension of this machine (`.so`, `.dll`, `.dylib`). */
export function sharedLibraryExtension(platform: string = process.platform): string {
  return EXTENSIONS[platform] ?? ".so";
}

/**
 * Where an FMU keeps the binary of `modelIdentifier` for this machine, relative to its root
 * (`binaries/linux64/<id>.so`); undefined when the platform has no folder name.
 */
export function binaryLocation(version: FmiVersion, modelIdentifier: string): string | undefined {
  const folder = platformFolder(version);
  return folder ? `binaries/${folder}/${modelIdentifier}${sharedLibraryExtension()}` : undefined;
}
