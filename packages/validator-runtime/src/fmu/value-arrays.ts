import { quoteCsv } from "./csv-writer";
import type { FmiVersion } from "./platform";
import type { ApiType, FmiValue } from "./simulation-protocol";

/** A buffer of values of one API type: a typed array matching the C type, or strings. */
export type ValueArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | (string | null)[];

/** The C element type of an API type (FMI 2 booleans are `int`, FMI 3 booleans `bool`). */
export function cType(version: FmiVersion, api: ApiType): string {
  switch (api) {
    case "Real":
    case "Float64":
      return "double";
    case "Float32":
      return "float";
    case "Integer":
      return "int";
    case "Boolean":
      return version === "2.0" ? "int" : "uint8_t";
    case "Int8":
      return "int8_t";
    case "UInt8":
      return "uint8_t";
    case "Int16":
      return "int16_t";
    case "UInt16":
      return "uint16_t";
    case "Int32":
      return "int32_t";
    case "UInt32":
      return "uint32_t";
    case "Int64":
      return "int64_t";
    case "UInt64":
      return "uint64_t";
    case "String":
      return "const char *";
  }
}

/** A zeroed buffer for `length` values. */
export function allocateValues(version: FmiVersion, api: ApiType, length: number): ValueArray {
  switch (cType(version, api)) {
    case "double":
      return new Float64Array(length);
    case "float":
      return new Float32Array(length);
    case "int":
    case "int32_t":
      return new Int32Array(length);
    case "int8_t":
      return new Int8Array(length);
    case "uint8_t":
      return new Uint8Array(length);
    case "int16_t":
      return new Int16Array(length);
    case "uint16_t":
      return new Uint16Array(length);
    case "uint32_t":
      return new Uint32Array(length);
    case "int64_t":
      return new BigInt64Array(length);
    case "uint64_t":
      return new BigUint64Array(length);
    default:
      return new Array<string | null>(length).fill(null);
  }
}

/** A buffer holding `values` (already checked to fit the type). */
export function valuesOf(version: FmiVersion, api: ApiType, values: FmiValue[]): ValueArray {
  const array = allocateValues(version, api, values.length);
  values.forEach((value, i) => {
    if (Array.isArray(array)) array[i] = String(value);
    else if (array instanceof BigInt64Array || array instanceof BigUint64Array) {
      array[i] = BigInt(Number(value));
    } else array[i] = Number(value);
  });
  return array;
}

/** The value at `i` as JSON can carry it: booleans for Boolean, strings for 64-bit integers past 2^53. */
export function valueAt(api: ApiType, array: ValueArray, i: number): FmiValue {
  const value = array[i];
  if (api === "Boolean") return value !== 0 && value !== BigInt(0);
  if (typeof value === "bigint") {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (api === "Float32" && typeof value === "number") return Number(value.toPrecision(9));
  return value ?? "";
}

/**
 * How to write values of an API type into CSV: numbers in shortest round-trip form (Float32
 * at 9 digits), booleans as 1/0, strings quoted when needed. Chosen once per column, since
 * it runs for every value at every communication point.
 */
export function csvFormatter(api: ApiType): (array: ValueArray, i: number) => string {
  switch (api) {
    case "Boolean":
      return (array, i) => (array[i] ? "1" : "0");
    case "Float32":
      return (array, i) => String(Number((array[i] as number).toPrecision(9)));
    case "String":
      return (array, i) => quoteCsv(String(array[i] ?? ""));
    default:
      return (array, i) => String(array[i]);
  }
}
