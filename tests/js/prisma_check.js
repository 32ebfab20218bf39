// Validate a Prisma schema with Prisma's own engine (WebAssembly) and print its formatted text.
// usage: node prisma_check.js schema.prisma  -> exit 1 with the engine's message when invalid
const fs = require("fs");
const wasm = require("@prisma/prisma-schema-wasm");

const path = process.argv[2];
const text = fs.readFileSync(path, "utf8");
try {
  wasm.validate(JSON.stringify({ prismaSchema: [["schema.prisma", text]], noColorErrors: true }));
} catch (e) {
  process.stderr.write(String(e && e.message ? e.message : e) + "\n");
  process.exit(1);
}
const params = JSON.stringify({ textDocument: { uri: "file:/schema.prisma" }, options: { tabSize: 2, insertSpaces: true } });
process.stdout.write(wasm.format(text, params));
