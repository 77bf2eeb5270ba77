// Smoke test: two real @hocuspocus/provider instances sync a Y.Text through the server given as argv[2].
// Prints "OK <text>" and exits 0 on success; prints the failure to stderr and exits 1 otherwise (30 s deadline).
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import WebSocket from 'ws'
import * as Y from 'yjs'

const url = process.argv[2]
const name = process.argv[3] ?? 'smoke'
const deadline = setTimeout(() => { console.error('FAIL timeout'); process.exit(1) }, 30_000)

function connect (doc) {
  const websocketProvider = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket })
  const provider = new HocuspocusProvider({ websocketProvider, name, document: doc, token: 'smoke' })
  // a provider given its own socket object attaches explicitly
  provider.attach()
  return provider
}

function until (predicate) {
  return new Promise(resolve => {
    const timer = setInterval(() => { if (predicate()) { clearInterval(timer); resolve() } }, 20)
  })
}

const writerDoc = new Y.Doc()
const writer = connect(writerDoc)
await until(() => writer.isSynced)
writerDoc.getText('t').insert(0, 'hello from node')
// the server acknowledges with SyncStatus once the change is durable
await until(() => !writer.hasUnsyncedChanges)

const readerDoc = new Y.Doc()
const reader = connect(readerDoc)
await until(() => reader.isSynced && readerDoc.getText('t').toString() === 'hello from node')
writerDoc.getText('t').insert(15, '!')
await until(() => readerDoc.getText('t').toString() === 'hello from node!')

console.log('OK ' + readerDoc.getText('t').toString())
clearTimeout(deadline)
writer.destroy()
reader.destroy()
process.exit(0)
