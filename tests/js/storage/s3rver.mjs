// An S3-compatible server (s3rver) for the storage tests: node storage/s3rver.mjs <directory> [port]
// Listens on 127.0.0.1 (port 0: a free one), prints "listening <port>" once it accepts connections, and runs until it
// is stopped (SIGTERM/SIGINT) or the process that started it is gone (so it never outlives the test run).
import S3rver from 's3rver';

const [directory, port = '0'] = process.argv.slice(2);
if (!directory) {
  console.error('usage: node storage/s3rver.mjs <directory> [port]');
  process.exit(2);
}

const server = new S3rver({ address: '127.0.0.1', port: Number(port), directory, silent: true });
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
