// Builds the editor page into one folder the SyncServer embeds and serves under /editor/:
//   node build.mjs [outdir]      (default: dist)
// index.html and editor.css are copied as they are; src/main.js and its npm imports become one minified editor.js.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(process.argv[2] ?? path.join(here, "dist"));
await mkdir(outdir, { recursive: true });

await build({
  entryPoints: [path.join(here, "src", "main.js")],
  outfile: path.join(outdir, "editor.js"),
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2022"],
  legalComments: "none",
  logLevel: "warning",
});

for (const file of ["index.html", "editor.css"]) {
  await copyFile(path.join(here, "src", file), path.join(outdir, file));
}

console.log(`editor page built into ${outdir}`);
