// The reference server for Collab.LoadGen's side-by-side runs: @hocuspocus/server 4.5 with its default
// configuration (quiet), plus an in-memory document store standing in for Collab's default SQLite store
// (Node 20 has no built-in SQLite and @hocuspocus/extension-sqlite is not installed): documents are loaded from
// and stored into a Map through the usual debounced onStoreDocument hook.
//
//   node tests/js/loadgen/hocuspocus-server.mjs --port 1234 [--host 127.0.0.1]
//
// Prints "listening on http://<host>:<port>" once it accepts connections; stops on SIGTERM/SIGINT.
import { Server } from "@hocuspocus/server";
import * as Y from "yjs";

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

const port = Number(option("--port", "1234"));
const host = option("--host", "127.0.0.1");
const stored = new Map();

const server = new Server({
  port,
  address: host,
  quiet: true,
  async onLoadDocument({ documentName, document }) {
    const state = stored.get(documentName);
    if (state) {
      Y.applyUpdate(document, state);
    }
    return document;
  },
  async onStoreDocument({ documentName, document }) {
    stored.set(documentName, Y.encodeStateAsUpdate(document));
  },
});

await server.listen();
console.log(`listening on http://${host}:${port}`);
