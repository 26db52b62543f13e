import type { MemoryStorage } from "./memory-storage";

const registry = new Map<string, WeakRef<MemoryStorage>>();

/**
 * Records a `MemoryStorage` under its name so `storageForUri("memory://<name>/...")` finds it;
 * a later adapter with the same name replaces the earlier one.
 */
export function registerMemoryStorage(storage: MemoryStorage): void {
  registry.set(storage.name, new WeakRef(storage));
}

/** The live `MemoryStorage` registered under `name`, or undefined. */
export function findMemoryStorage(name: string): MemoryStorage | undefined {
  const storage = registry.get(name)?.deref();
  if (storage === undefined) registry.delete(name);
  return storage;
}
