// One real @hocuspocus/provider edits a document through the server given as argv[2] and waits until the server
// acknowledges the edit (SyncStatus: the provider has no unsynced changes left). Behind a load balancer this needs
// only the one replica the connection lands on. Prints "OK <text>" and exits 0; prints the failure to stderr and exits 1
// (30 s deadline).
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import WebSocket from 'ws'
import * as Y from 'yjs'

const url = process.argv[2]
const name = process.argv[3] ?? 'edit'
const text = process.argv[4] ?? 'edited'
const deadline = setTimeout(() => { console.error('FAIL timeout'); process.exit(1) }, 30_000)

function until (predicate) {
  return new Promise(resolve => {
    const timer = setInterval(() => { if (predicate()) { clearInterval(timer); resolve() } }, 20)
  })
}

const doc = new Y.Doc()
const websocketProvider = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket })
const provider = new HocuspocusProvider({ websocketProvider, name, document: doc })
provider.attach()
await until(() => provider.isSynced)
doc.getText('t').insert(doc.getText('t').length, text)
await until(() => !provider.hasUnsyncedChanges)

console.log('OK ' + doc.getText('t').toString())
clearTimeout(deadline)
provider.destroy()
websocketProvider.destroy()
process.exit(0)
