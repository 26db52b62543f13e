/** How a failed Google API call should be handled. */
export type CloudErrorKind =
  /** 429, 5xx (but 501), UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, a dropped connection. */
  | "transient"
  /** 401/403, PERMISSION_DENIED, UNAUTHENTICATED. */
  | "permission"
  /** 404, NOT_FOUND. */
  | "not_found"
  /** 400/412 with FAILED_PRECONDITION: the resource is not in a state for this call. */
  | "precondition"
  /** Anything else: a client error that retrying will not fix. */
  | "other";

/** What is known about a failed Google API call. */
export interface CloudErrorInfo {
  kind: CloudErrorKind;
  /** The HTTP status, when the error came from an HTTP response. */
  httpStatus: number | undefined;
  /** The canonical status name (`PERMISSION_DENIED`), when known. */
  statusName: string | undefined;
  /** Google's message, or the error's own. */
  message: string;
}

const GRPC_STATUS_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

const TRANSIENT_STATUS = new Set([
  "UNAVAILABLE",
  "DEADLINE_EXCEEDED",
  "RESOURCE_EXHAUSTED",
  "INTERNAL",
  "UNKNOWN",
]);

const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

interface GoogleErrorBody {
  error?: { code?: unknown; message?: unknown; status?: unknown };
}

/**
 * Classifies an error thrown by a `@google-cloud/*` client: a `GaxiosError` (HTTP status, body as
 * the message) from the REST transport, a `GoogleError` (gRPC code) from gRPC or the REST decoder,
 * or a network error.
 */
export function classifyCloudError(error: unknown): CloudErrorInfo {
  const err = (error ?? {}) as {
    status?: unknown;
    code?: unknown;
    message?: unknown;
    response?: { status?: unknown };
  };
  let message = typeof err.message === "string" ? err.message : String(error);
  let httpStatus: number | undefined;
  if (typeof err.status === "number") httpStatus = err.status;
  else if (typeof err.response?.status === "number") httpStatus = err.response.status;
  let statusName: string | undefined;
  const body = parseBody(message);
  if (body?.error) {
    if (typeof body.error.message === "string") message = body.error.message;
    if (typeof body.error.status === "string") statusName = body.error.status;
    if (httpStatus === undefined && typeof body.error.code === "number") {
      httpStatus = body.error.code;
    }
  }
  if (statusName === undefined && httpStatus === undefined && typeof err.code === "number") {
    statusName = GRPC_STATUS_NAMES[err.code];
  }
  if (typeof err.code === "string" && TRANSIENT_NETWORK_CODES.has(err.code)) {
    return { kind: "transient", httpStatus, statusName: err.code, message };
  }
  return { kind: kindOf(httpStatus, statusName), httpStatus, statusName, message };
}

function kindOf(httpStatus: number | undefined, statusName: string | undefined): CloudErrorKind {
  if (statusName === "PERMISSION_DENIED" || statusName === "UNAUTHENTICATED") return "permission";
  if (statusName === "NOT_FOUND") return "not_found";
  if (statusName === "FAILED_PRECONDITION") return "precondition";
  if (statusName && TRANSIENT_STATUS.has(statusName)) return "transient";
  if (httpStatus === 401 || httpStatus === 403) return "permission";
  if (httpStatus === 404) return "not_found";
  if (httpStatus === 412) return "precondition";
  if (httpStatus === 429) return "transient";
  if (httpStatus !== undefined && httpStatus >= 500 && httpStatus !== 501) return "transient";
  return "other";
}

function parseBody(text: string): GoogleErrorBody | undefined {
  const start = text.indexOf("{");
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(text.slice(start)) as unknown;
    return parsed !== null && typeof parsed === "object" ? (parsed as GoogleErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

/** `HTTP 403 PERMISSION_DENIED: message`, from what is known. */
export function describeCloudError(info: CloudErrorInfo): string {
  const head = [info.httpStatus ? `HTTP ${info.httpStatus}` : "", info.statusName ?? ""]
    .filter(Boolean)
    .join(" ");
  return head ? `${head}: ${info.message}` : info.message;
}
