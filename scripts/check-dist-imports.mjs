// Scans every emitted JavaScript file of the published packages and fails on an import or
// require that an installed package could not resolve: a Node builtin without `node:` (a build
// that rewrote `node:sqlite` to `sqlite` loads an npm package of that name, or nothing), or a
// module that is neither a dependency, a peer dependency nor the package itself.
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { parse } from "acorn";
import { simple } from "acorn-walk";

const packages = ["packages/contracts", "packages/sdk", "packages/validator-runtime"];
/** Imports reached only when a package runs from its TypeScript source, never from dist. */
const sourceOnly = {
  "@validibot/validator-runtime": {
    tsx: "fmu/worker-module.ts resolves tsx only when simulate-worker.ts sits beside it (src/)",
  },
};
const builtins = new Set(builtinModules.map((name) => name.replace(/^node:/, "")));

/** Every `.js`/`.cjs`/`.mjs` file under `dir`. */
function scripts(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(c|m)?js$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The module specifiers a script names statically. */
function specifiers(code) {
  const ast = parse(code, { ecmaVersion: "latest", sourceType: "module", allowHashBang: true });
  const found = [];
  const literal = (node) => node?.type === "Literal" && typeof node.value === "string";
  simple(ast, {
    ImportDeclaration: (node) => found.push(node.source.value),
    ExportNamedDeclaration: (node) => node.source && found.push(node.source.value),
    ExportAllDeclaration: (node) => found.push(node.source.value),
    ImportExpression: (node) => literal(node.source) && found.push(node.source.value),
    CallExpression: (node) => {
      const callee = node.callee;
      const isRequire =
        (callee.type === "Identifier" && /^(require|__require)$/.test(callee.name)) ||
        (callee.type === "MemberExpression" && callee.property.name === "resolve");
      if (isRequire && literal(node.arguments[0])) found.push(node.arguments[0].value);
    },
  });
  return found;
}

/** The package name of a bare specifier (`@scope/name/sub` is `@scope/name`). */
function packageOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

const problems = [];
for (const dir of packages) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const allowed = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(sourceOnly[manifest.name] ?? {}),
  ]);
  for (const file of scripts(join(dir, "dist"))) {
    for (const specifier of specifiers(readFileSync(file, "utf8"))) {
      if (specifier.startsWith(".")) continue;
      const where = `${relative(process.cwd(), file)}: "${specifier}"`;
      if (specifier.startsWith("node:")) {
        if (!builtins.has(specifier.slice(5))) problems.push(`${where} is not a Node builtin`);
      } else if (builtins.has(specifier) || builtins.has(packageOf(specifier))) {
        problems.push(`${where} is a Node builtin without the node: prefix`);
      } else if (!allowed.has(packageOf(specifier))) {
        problems.push(`${where} is not a dependency or peer dependency of ${manifest.name}`);
      }
    }
  }
}
if (problems.length > 0) {
  process.stderr.write(`check-dist-imports: ${problems.length} unresolvable imports\n`);
  for (const problem of problems) process.stderr.write(`  ${problem}\n`);
  process.exit(1);
}
process.stdout.write(`check-dist-imports: every import of ${packages.length} packages resolves\n`);
