import { readdir, stat } from "node:fs/promises";
import { basename, isAbsolute, join, relative, resolve as resolvePath, sep } from "node:path";
import { isValidibotError, type RawOutputs, type ValidationArtifact } from "@validibot/contracts";
import type { StoredObject } from "@validibot/sdk/storage";
import { errorMessage } from "./log";
import { putOnce } from "./put-once";
import { bundleUri, type StorageResolver } from "./storage";
import type { ArtifactInput } from "./types";

/** The name of the manifest in `<bundle>/outputs/`. */
export const OUTPUTS_MANIFEST_NAME = "manifest.json";

/** One file listed in `outputs/manifest.json`. */
export interface OutputsManifestEntry {
  /** Path relative to `outputs/`, `/`-separated. */
  path: string;
  uri: string;
  size_bytes: number;
  sha256: string;
  storage_version: string;
}

/** `outputs/manifest.json`: every file the attempt left in its bundle's `outputs/` folder. */
export interface OutputsManifest {
  run_id: string;
  execution_attempt_id: string;
  files: OutputsManifestEntry[];
}

/** What uploading the outputs produced. */
export interface UploadedOutputs {
  artifacts: ValidationArtifact[];
  /** `{ format: "directory", manifest_uri }`, or null when nothing was uploaded. */
  rawOutputs: RawOutputs | null;
  /** Files left out, each with why (an artifact whose file is gone, a symlink, a bad path). */
  skipped: string[];
}

/** What `uploadOutputs` needs. */
export interface UploadOutputsOptions {
  /** `context.execution_bundle_uri`. */
  bundle: string;
  /** `ctx.outputsDir`. */
  outputsDir: string;
  artifacts: ArtifactInput[];
  resolve: StorageResolver;
  run_id: string;
  execution_attempt_id: string;
}

interface PlannedFile {
  local: string;
  rel: string;
}

async function walk(root: string, skipped: string[]): Promise<PlannedFile[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: PlannedFile[] = [];
  for (const entry of entries) {
    const local = join(entry.parentPath, entry.name);
    const rel = relative(root, local).split(sep).join("/");
    if (entry.isSymbolicLink()) skipped.push(`${rel}: a symbolic link, not uploaded`);
    else if (entry.isFile()) files.push({ local, rel });
  }
  return files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

function unique(rel: string, taken: Set<string>): string {
  let candidate = rel;
  for (let n = 2; taken.has(candidate); n++) {
    const dot = rel.lastIndexOf(".");
    const slash = rel.lastIndexOf("/");
    candidate = dot > slash + 1 ? `${rel.slice(0, dot)}-${n}${rel.slice(dot)}` : `${rel}-${n}`;
  }
  taken.add(candidate);
  return candidate;
}

function inside(folder: string, path: string): string | null {
  const rel = relative(folder, path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? null : rel.split(sep).join("/");
}

/**
 * Uploads, create-only and streaming, everything in `outputsDir` to `<bundle>/outputs/<path>`
 * and every artifact (files elsewhere go to `<bundle>/outputs/<name>`; files inside `outputsDir`
 * are uploaded once), then writes `outputs/manifest.json` listing them all with size, digest and
 * storage version. Storage failures propagate (the attempt's output is not writable).
 */
export async function uploadOutputs(options: UploadOutputsOptions): Promise<UploadedOutputs> {
  const skipped: string[] = [];
  const outputsDir = resolvePath(options.outputsDir);
  const planned = await walk(outputsDir, skipped);
  const taken = new Set<string>([OUTPUTS_MANIFEST_NAME]);
  for (const file of planned) file.rel = unique(file.rel, taken);
  const byLocal = new Map(planned.map((file) => [file.local, file]));

  const artifactFiles: { artifact: ArtifactInput; name: string; file: PlannedFile }[] = [];
  for (const artifact of options.artifacts) {
    const local = resolvePath(artifact.path);
    const name = artifact.name ?? basename(local);
    const found = await stat(local).catch(() => null);
    if (found === null || !found.isFile()) {
      skipped.push(`artifact ${name}: no file at ${artifact.path}`);
      continue;
    }
    let file = inside(outputsDir, local) === null ? undefined : byLocal.get(local);
    if (file === undefined) {
      file = { local, rel: unique(name, taken) };
      planned.push(file);
      byLocal.set(local, file);
    }
    artifactFiles.push({ artifact, name, file });
  }
  if (planned.length === 0) return { artifacts: [], rawOutputs: null, skipped };

  const manifestUri = bundleUri(options.bundle, `outputs/${OUTPUTS_MANIFEST_NAME}`);
  const { storage: adapter, key: manifestKey } = await options.resolve(manifestUri);
  const prefix = manifestKey.slice(0, manifestKey.length - OUTPUTS_MANIFEST_NAME.length);
  const stored = new Map<PlannedFile, StoredObject>();
  for (const file of planned) {
    try {
      stored.set(file, await putOnce(adapter, prefix + file.rel, { path: file.local }));
    } catch (error) {
      if (!isValidibotError(error) || error.code !== "storage_path_invalid") throw error;
      skipped.push(`${file.rel}: ${errorMessage(error)}`);
    }
  }

  const artifacts: ValidationArtifact[] = [];
  for (const { artifact, name, file } of artifactFiles) {
    const object = stored.get(file);
    if (object === undefined) continue;
    artifacts.push({
      name,
      type: artifact.type,
      mime_type: artifact.mime_type ?? null,
      uri: object.uri,
      size_bytes: object.size_bytes,
      sha256: object.sha256,
      storage_version: object.storage_version,
    });
  }
  const manifest: OutputsManifest = {
    run_id: options.run_id,
    execution_attempt_id: options.execution_attempt_id,
    files: planned.flatMap((file) => {
      const object = stored.get(file);
      return object === undefined
        ? []
        : [
            {
              path: file.rel,
              uri: object.uri,
              size_bytes: object.size_bytes,
              sha256: object.sha256,
              storage_version: object.storage_version,
            },
          ];
    }),
  };
  const written = await putOnce(
    adapter,
    manifestKey,
    { bytes: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, "utf8") },
    { contentType: "application/json" },
  );
  return { artifacts, rawOutputs: { format: "directory", manifest_uri: written.uri }, skipped };
}
