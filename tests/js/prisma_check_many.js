// Validate many Prisma schemas with Prisma's own engine (WebAssembly) in one process.
// usage: node prisma_check_many.js listing.json   (listing: {"key": "schema text", ...})
// prints {"key": "the engine's message", ...} for the schemas it rejects ({} when all are valid)
const fs = require("fs");
const wasm = require("@prisma/prisma-schema-wasm");

const schemas = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const problems = {};
for (const [key, text] of Object.entries(schemas)) {
  try {
    wasm.validate(JSON.stringify({ prismaSchema: [["schema.prisma", text]], noColorErrors: true }));
  } catch (e) {
    problems[key] = String(e && e.message ? e.message : e);
  }
}
process.stdout.write(JSON.stringify(problems));
