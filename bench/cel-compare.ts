/**
 * Compares the two maintained CEL evaluators for JavaScript on the CEL specification's
 * conformance data (`@bufbuild/cel-spec`), limited to the features rulesets expose (JSON-shaped
 * values: numbers, strings, booleans, null, lists, maps; operators, macros, string functions,
 * conversions), and on speed (compile once, evaluate a typical assertion many times).
 * Run: `npx tsx bench/cel-compare.ts`. Prints pass rates per suite and ops/s.
 */
import { celEnv, isCelError, isCelList, isCelMap, isCelUint, parse, plan } from "@bufbuild/cel";
import { tests } from "@bufbuild/cel-spec/testdata/conformance.js";
import { Environment } from "@marcbachmann/cel-js";

/** The conformance suites whose features a ruleset uses. */
const SUITES = [
  "basic",
  "comparisons",
  "conversions",
  "fields",
  "fp_math",
  "integer_math",
  "lists",
  "logic",
  "macros",
  "string",
];

type Value = Record<string, unknown>;
type Norm = string;

/** A conformance `Value` (proto JSON) as a plain tagged string, or undefined when not JSON-shaped. */
function expected(v: Value): Norm | undefined {
  if ("int64Value" in v) return `int:${v.int64Value ?? 0}`;
  if ("uint64Value" in v) return `uint:${v.uint64Value ?? 0}`;
  if ("doubleValue" in v) return `double:${Number(v.doubleValue ?? 0)}`;
  if ("stringValue" in v) return `string:${v.stringValue ?? ""}`;
  if ("boolValue" in v) return `bool:${v.boolValue ?? false}`;
  if ("nullValue" in v) return "null";
  if ("bytesValue" in v) {
    return `bytes:${Buffer.from(String(v.bytesValue ?? ""), "base64").toString("hex")}`;
  }
  if ("listValue" in v) {
    const values = ((v.listValue as Value)?.values ?? []) as Value[];
    const items = values.map(expected);
    return items.includes(undefined) ? undefined : `[${items.join(",")}]`;
  }
  if ("mapValue" in v) {
    const entries = ((v.mapValue as Value)?.entries ?? []) as { key: Value; value: Value }[];
    const items = entries.map((e) => `${expected(e.key)}=>${expected(e.value)}`);
    return items.some((i) => i.includes("undefined")) ? undefined : `{${items.sort().join(",")}}`;
  }
  return undefined;
}

/** A conformance `Value` as a JS input: bigint ints, Maps for maps (both libraries read those). */
function input(v: Value): unknown {
  if ("int64Value" in v) return BigInt(String(v.int64Value ?? 0));
  if ("doubleValue" in v) return Number(v.doubleValue ?? 0);
  if ("stringValue" in v) return v.stringValue ?? "";
  if ("boolValue" in v) return v.boolValue ?? false;
  if ("nullValue" in v) return null;
  if ("listValue" in v) return (((v.listValue as Value)?.values ?? []) as Value[]).map(input);
  if ("mapValue" in v) {
    const entries = ((v.mapValue as Value)?.entries ?? []) as { key: Value; value: Value }[];
    return new Map(entries.map((e) => [input(e.key), input(e.value)]));
  }
  throw new Error("unsupported binding");
}

/** Either library's result as the same tagged string. */
function normalize(x: unknown): Norm {
  if (typeof x === "bigint") return `int:${x}`;
  if (typeof x === "number") return `double:${x}`;
  if (typeof x === "string") return `string:${x}`;
  if (typeof x === "boolean") return `bool:${x}`;
  if (x === null) return "null";
  if (x instanceof Uint8Array) return `bytes:${Buffer.from(x).toString("hex")}`;
  if (isCelUint(x)) return `uint:${x.value}`;
  if (x && typeof x === "object" && x.constructor?.name === "UnsignedInt") {
    return `uint:${(x as { valueOf(): bigint }).valueOf()}`;
  }
  if (Array.isArray(x) || isCelList(x))
    return `[${[...(x as Iterable<unknown>)].map(normalize).join(",")}]`;
  if (x instanceof Map || isCelMap(x)) {
    const items = [...(x as Map<unknown, unknown>).entries()].map(
      ([k, val]) => `${normalize(k)}=>${normalize(val)}`,
    );
    return `{${items.sort().join(",")}}`;
  }
  if (x && typeof x === "object") {
    const items = Object.entries(x).map(([k, val]) => `string:${k}=>${normalize(val)}`);
    return `{${items.sort().join(",")}}`;
  }
  return `?${String(x)}`;
}

interface Case {
  suite: string;
  name: string;
  expr: string;
  bindings: Record<string, unknown>;
  expect: Norm | "error";
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const suite of tests.suites ?? []) {
    if (!SUITES.includes(suite.name)) continue;
    for (const section of suite.suites ?? []) {
      for (const test of section.tests ?? []) {
        const t = test.original as Record<string, unknown>;
        if (t.container || t.typeEnv || t.checkOnly || t.typedResult) continue;
        // Protobuf messages and types are not JSON-shaped: not part of what a ruleset sees.
        const expr = String(t.expr);
        if (/google\.protobuf|TestAllTypes|NestedTestAllTypes|\btype\(|\bdyn\(/.test(expr))
          continue;
        let want: Norm | "error" | undefined;
        if (t.evalError) want = "error";
        else if (t.value) want = expected(t.value as Value);
        else want = "bool:true";
        if (want === undefined) continue;
        let bindings: Record<string, unknown>;
        try {
          bindings = Object.fromEntries(
            Object.entries((t.bindings ?? {}) as Record<string, { value: Value }>).map(([k, b]) => [
              k,
              input(b.value),
            ]),
          );
        } catch {
          continue;
        }
        out.push({
          suite: suite.name,
          name: `${section.name}/${String(t.name)}`,
          expr,
          bindings,
          expect: want,
        });
      }
    }
  }
  return out;
}

type Engine = {
  name: string;
  run(expr: string, bindings: Record<string, unknown>): unknown;
  compile(expr: string): (bindings: Record<string, unknown>) => unknown;
};

const bufEnv = celEnv();
const buf: Engine = {
  name: "@bufbuild/cel 0.6.1",
  run(expr, bindings) {
    const result = plan(bufEnv, parse(expr))(bindings as never);
    if (isCelError(result)) throw result;
    return result;
  },
  compile(expr) {
    const program = plan(bufEnv, parse(expr));
    return (bindings) => program(bindings as never);
  },
};

const marcEnv = new Environment({ unlistedVariablesAreDyn: true });
const marc: Engine = {
  name: "@marcbachmann/cel-js 8.0.0",
  run(expr, bindings) {
    return marcEnv.evaluate(expr, bindings);
  },
  compile(expr) {
    const program = marcEnv.parse(expr);
    return (bindings) => program(bindings);
  },
};

function conformance(
  engine: Engine,
  all: Case[],
): { passed: number; total: number; bySuite: Record<string, string> } {
  const perSuite = new Map<string, { passed: number; total: number }>();
  let passed = 0;
  for (const c of all) {
    let got: Norm | "error";
    try {
      got = normalize(engine.run(c.expr, c.bindings));
    } catch {
      got = "error";
    }
    const ok = got === c.expect;
    if (ok) passed++;
    const s = perSuite.get(c.suite) ?? { passed: 0, total: 0 };
    s.total++;
    if (ok) s.passed++;
    perSuite.set(c.suite, s);
  }
  const bySuite: Record<string, string> = {};
  for (const [s, r] of perSuite) bySuite[s] = `${r.passed}/${r.total}`;
  return { passed, total: all.length, bySuite };
}

/** A typical output-stage assertion over JSON-shaped signals (metrics have dotted names). */
const BENCH_EXPR =
  "metrics['fmu.execution_seconds'] < 30.0 && outputs.output_values.x >= 0.95 && outputs.output_values.x <= 1.05 && size(outputs.names.filter(n, n.startsWith('t'))) > 0";

function speed(engine: Engine, seconds = 1): number {
  const program = engine.compile(BENCH_EXPR);
  const bindings = {
    metrics: { "fmu.execution_seconds": 1.5 },
    outputs: { output_values: { x: 1.0 }, names: ["temp", "x", "time"] },
  };
  if (program(bindings) !== true)
    throw new Error(`${engine.name}: wrong result on the bench expression`);
  let ops = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) program(bindings);
    ops += 1000;
  }
  return ops / seconds;
}

const all = cases();
if (process.argv.includes("--failures")) {
  for (const engine of [buf, marc]) {
    for (const c of all) {
      let got: string;
      try {
        got = normalize(engine.run(c.expr, c.bindings));
      } catch (e) {
        got = `error (${(e as Error).message?.split("\n")[0]})`;
      }
      if (got !== c.expect && !(c.expect === "error" && got.startsWith("error")))
        console.log(`${engine.name} ${c.suite}/${c.name}: ${c.expr} => ${got}, want ${c.expect}`);
    }
  }
}
for (const engine of [buf, marc]) {
  const result = conformance(engine, all);
  const ops = speed(engine, 2);
  console.log(
    `${engine.name}: conformance ${result.passed}/${result.total} (${((100 * result.passed) / result.total).toFixed(1)}%), ${Math.round(ops).toLocaleString("en")} evaluations/s`,
  );
  console.log(`  by suite: ${JSON.stringify(result.bySuite)}`);
}
