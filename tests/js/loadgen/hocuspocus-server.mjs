// The reference server for Collab.LoadGen's side-by-side runs: @hocuspocus/server 4.5 with its default
// configuration (quiet), plus an in-memory document store standing in for Collab's default SQLite store
// (Node 20 has no built-in SQLite and @hocuspocus/extension-sqlite is not installed): documents are loaded from
// and stored into a Map through the usual debounced onStoreDocument hook.
//
//   node tests/js/loadgen/hocuspocus-server.mjs --port 1234 [--host 127.0.0.1]
//        [--redis 127.0.0.1:6379 [--redis-identifier replica-0] [--redis-prefix hocuspocus]]
//
// --redis adds @hocuspocus/extension-redis 4.5.0 (`new Redis({ host, port, identifier, prefix })`, its defaults
// otherwise): several instances given the same redis-server relay every document's changes and awareness to each
// other, which is how Hocuspocus scales out. --redis-identifier names the instance in its Redis messages (default:
// a random id); --redis-prefix is the key and channel namespace (default "hocuspocus").
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

async function redisExtension(address) {
  const separator = address.lastIndexOf(":");
  if (separator <= 0) {
    throw new Error(`--redis: expected HOST:PORT, got '${address}'`);
  }

  // imported only when asked for, so the single-server setup needs nothing beyond @hocuspocus/server
  const { Redis } = await import("@hocuspocus/extension-redis");
  const configuration = {
    host: address.slice(0, separator),
    port: Number(address.slice(separator + 1)),
    prefix: option("--redis-prefix", "hocuspocus"),
  };
  const identifier = option("--redis-identifier", undefined);
  if (identifier !== undefined) {
    configuration.identifier = identifier;
  }

  return new Redis(configuration);
}

const redis = option("--redis", undefined);
const extensions = redis === undefined ? [] : [await redisExtension(redis)];

const server = new Server({
  port,
  address: host,
  quiet: true,
  extensions,
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
console.log(`listening on http://${host}:${port}${redis === undefined ? "" : ` (redis ${redis})`}`);
