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

// s3rver 3.7.1 answers a PUT before the object's file is written: putObject resolves when the request body has passed
// its MD5 transform, not when the file stream has flushed (and for a Buffer body, right after writeStream.end()). A GET
// sent after the PUT's response could then read a partly written file, and the client's MD5 check of the body fails
// ("Expected hash not equal to calculated hash"). Real S3 is read-after-write consistent, so the stand-in must be too:
// this putObject writes the body to a temporary file (which listings skip: it lacks s3rver's suffix), waits until it is closed, renames it over the object (a reader
// sees the old file or the new one) and only then writes the metadata and answers.
const store = server.store;
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
    await rename(temporary, objectPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }

  const digest = md5.digest('hex');
  await this.putMetadata(object.bucket, object.key, object.metadata, digest);
  return { size, md5: digest };
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
