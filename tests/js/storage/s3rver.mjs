// An S3-compatible server (s3rver) for the storage tests: node storage/s3rver.mjs <directory> [port]
// Listens on 127.0.0.1 (port 0: a free one), prints "listening <port>" once it accepts connections, and runs until it
// is stopped (SIGTERM/SIGINT) or the process that started it is gone (so it never outlives the test run).
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';

const [directory, port = '0'] = process.argv.slice(2);
if (!directory) {
  console.error('usage: node storage/s3rver.mjs <directory> [port]');
  process.exit(2);
}

const server = new S3rver({ address: '127.0.0.1', port: Number(port), directory, silent: true });

// s3rver 3.7.1 is not consistent the way S3 is, and the store tests (and two servers sharing a bucket) need it to be:
// - it answers a PUT before the object's file is written: putObject resolves when the body has passed its MD5
//   transform, not when the file stream has flushed (for a Buffer body, right after writeStream.end()). A GET sent after
//   the PUT's response could read a partly written file, and the client's MD5 check of the body failed ("Expected hash
//   not equal to calculated hash");
// - an object is three files (the content, its MD5, its metadata) written one after the other, so a GET during a PUT
//   could pair the new content with the old MD5.
// This putObject writes the body to a temporary file (which listings skip: it lacks s3rver's suffix) and waits until it
// is closed; then, exclusive of every read and delete of the same object, renames it over the object and writes the MD5
// and the metadata. A GET takes the same exclusion while it reads the metadata and opens the content (an open file keeps
// reading what it opened), so it sees the old object or the new one, whole.
const store = server.store;
const tails = new Map();

/** Runs action after every earlier action on the same object has finished. */
async function exclusive(bucket, key, action) {
  const id = `${bucket}/${key}`;
  const previous = tails.get(id) ?? Promise.resolve();
  let release;
  const tail = previous.then(() => new Promise((resolve) => { release = resolve; }));
  tails.set(id, tail);
  await previous;
  try {
    return await action();
  } finally {
    release();
    if (tails.get(id) === tail) tails.delete(id);
  }
}

const getObject = store.getObject.bind(store);
store.getObject = (bucket, key, options) => exclusive(bucket, key, () => getObject(bucket, key, options));
const deleteObject = store.deleteObject.bind(store);
store.deleteObject = (bucket, key) => exclusive(bucket, key, () => deleteObject(bucket, key));
store.putObject = async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  await mkdir(dirname(objectPath), { recursive: true });
  // next to the object (rename stays on one file system), with a short name: an object's file name can be near the limit
  const temporary = join(dirname(objectPath), `.part-${randomUUID()}`);
  const md5 = createHash('md5');
  let size = 0;
  try {
    const body = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    await pipeline(
      body,
      new Transform({
        transform(chunk, encoding, callback) {
          md5.update(chunk, encoding);
          size += chunk.length;
          callback(null, chunk);
        },
      }),
      createWriteStream(temporary),
    );
    const digest = md5.digest('hex');
    await exclusive(object.bucket, object.key, async () => {
      await rename(temporary, objectPath);
      await this.putMetadata(object.bucket, object.key, object.metadata, digest);
    });
    return { size, md5: digest };
  } catch (error) {
    // nothing left behind by a failed upload (once renamed there is no temporary file to remove)
    await rm(temporary, { force: true });
    throw error;
  }
};
const { port: listening } = await server.run();
console.log(`listening ${listening}`);

// no graceful close: it would wait for the clients' keep-alive connections, and an outage test wants the server gone
const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) {
    stop();
  }
}, 1000).unref();
