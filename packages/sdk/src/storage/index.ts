export { assertMaxBytes, byteLimit } from "./byte-limit";
export {
  DigestStream,
  type DigestStreamOptions,
  digestOf,
  digestOfStorageVersion,
  isSha256Hex,
  sha256Hex,
  sha256StorageVersion,
} from "./digest";
export {
  FilesystemStorage,
  type FilesystemStorageOptions,
  TEMP_PREFIX,
} from "./filesystem-storage";
export { fromGcsError } from "./gcs-errors";
export {
  DEFAULT_RESUMABLE_THRESHOLD,
  type GcsClientLike,
  type GcsClientOptions,
  GcsStorage,
  type GcsStorageOptions,
} from "./gcs-storage";
export { assertSafeKey, assertSafePrefix, compareKeys, isSafeKey, MAX_KEY_BYTES } from "./keys";
export { MemoryStorage, type MemoryStorageOptions } from "./memory-storage";
export { type StorageErrorCode, storageError } from "./storage-error";
export {
  type StorageForUriOptions,
  type StorageLocation,
  storageForUri,
} from "./storage-for-uri";
export type {
  GetOptions,
  ObjectStat,
  PutBody,
  PutOptions,
  StorageAdapter,
  StorageScheme,
  StoredObject,
} from "./types";
