/** Ceilings on what unpacking an FMU may produce; they stop zip bombs before the disk fills. */
export interface UnpackLimits {
  /** Most entries an archive may hold. Default: 10,000. */
  maxEntries: number;
  /** Most bytes all entries may inflate to, counted while inflating. Default: 2 GiB. */
  maxTotalBytes: number;
  /** Most bytes one entry may inflate to. Default: 1 GiB. */
  maxEntryBytes: number;
  /**
   * Highest inflated/compressed ratio of one entry, checked once the entry passes
   * `ratioThresholdBytes`. Default: 200 (source and binaries rarely pass 20).
   */
  maxCompressionRatio: number;
  /** Entries smaller than this are not ratio-checked (small runs of zeros are normal). Default: 1 MiB. */
  ratioThresholdBytes: number;
  /** Most bytes `modelDescription.xml` may have (it is parsed in memory). Default: 64 MiB. */
  maxModelDescriptionBytes: number;
}

/** The default unpack limits. */
export const DEFAULT_UNPACK_LIMITS: UnpackLimits = {
  maxEntries: 10_000,
  maxTotalBytes: 2 * 1024 ** 3,
  maxEntryBytes: 1024 ** 3,
  maxCompressionRatio: 200,
  ratioThresholdBytes: 1024 ** 2,
  maxModelDescriptionBytes: 64 * 1024 ** 2,
};
