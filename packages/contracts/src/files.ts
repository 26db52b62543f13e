import { z } from "zod";
import { SupportedMimeType } from "./enums";
import { PortKey, SafeLeafName, Sha256Hex, SizeBytes, StorageVersion } from "./primitives";

/** One submitted file, integrity-bound (rule 2): the runtime stops at `size_bytes` and checks `sha256`. */
export const InputFileItem = z
  .object({
    size_bytes: SizeBytes,
    sha256: Sha256Hex,
    storage_version: StorageVersion,
    name: SafeLeafName,
    mime_type: SupportedMimeType,
    role: z.string().nullable().default(null),
    port_key: PortKey,
    uri: z.string(),
  })
  .strict();
/** One submitted file. */
export type InputFileItem = z.infer<typeof InputFileItem>;

/** A supporting file the validator needs (a weather file, a library), integrity-bound like inputs. */
export const ResourceFileItem = z
  .object({
    size_bytes: SizeBytes,
    sha256: Sha256Hex,
    storage_version: StorageVersion,
    id: z.string(),
    name: SafeLeafName,
    type: z.string(),
    port_key: PortKey,
    uri: z.string(),
  })
  .strict();
/** A supporting file the validator needs. */
export type ResourceFileItem = z.infer<typeof ResourceFileItem>;
