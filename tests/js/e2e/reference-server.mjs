// The reference server the e2e scenarios are validated against: the real @hocuspocus/server 4.5.0 with the
// hooks every server under test must provide (see README.md):
//   - tokens: "valid-token" → read-write, "readonly-token" → read-only, anything else → PermissionDenied;
//   - stateless: a payload starting with "broadcast:" is broadcast unchanged to every connection of the
//     document; any other payload is answered to its sender only, as "echo:" + payload;
//   - loading a document whose name starts with "unloadable" fails with the reason "load-failed";
//   - persistence: every stored document is kept in memory, and in files under --data <dir> when given
//     (so it survives a restart);
//   - y-websocket clients: ws://host:port/yws/<room>?token=... is bridged onto the same documents by a small
//     adapter (the reference Hocuspocus server does not speak the y-websocket protocol itself).
//
// Usage: node e2e/reference-server.mjs [--port 0] [--data <dir>]
// Prints one line {"listening":"ws://127.0.0.1:<port>","yws":"ws://127.0.0.1:<port>/yws"} once it accepts
// connections. SIGTERM/SIGINT stop it gracefully (pending stores run first).

import fs from 'node:fs'
import path from 'node:path'
import { Server } from '@hocuspocus/server'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { WebSocketServer } from 'ws'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const index = args.indexOf(name)
  return index >= 0 && index + 1 < args.length ? args[index + 1] : fallback
}

const port = Number(option('--port', '0'))
const dataDir = option('--data', null)
if (dataDir) fs.mkdirSync(dataDir, { recursive: true })

const memory = new Map()
const fileOf = name => path.join(dataDir, encodeURIComponent(name) + '.bin')

class Rejected extends Error {
  constructor (reason) {
    super(reason)
    this.reason = reason
  }
}

const server = new Server({
  port,
  address: '127.0.0.1',
  quiet: true,
  async onAuthenticate ({ token, connectionConfig }) {
    if (token === 'valid-token') return
    if (token === 'readonly-token') {
      connectionConfig.readOnly = true
      return
    }
    throw new Rejected('invalid-token')
  },
  async onStateless ({ connection, document, payload }) {
    if (payload.startsWith('broadcast:')) {
      document.broadcastStateless(payload)
    } else {
      connection.sendStateless('echo:' + payload)
    }
  },
  async onLoadDocument ({ documentName }) {
    if (documentName.startsWith('unloadable')) throw new Rejected('load-failed')
    if (memory.has(documentName)) return memory.get(documentName)
    if (dataDir && fs.existsSync(fileOf(documentName))) return new Uint8Array(fs.readFileSync(fileOf(documentName)))
    return null
  },
  async onStoreDocument ({ documentName, document }) {
    const state = Y.encodeStateAsUpdate(document)
    memory.set(documentName, state)
    if (dataDir) fs.writeFileSync(fileOf(documentName), state)
  },
  onUpgrade ({ request, socket, head }) {
    if (!request.url.startsWith('/yws/')) return
    yws.handleUpgrade(request, socket, head, ws => bridge(ws, request))
    // An empty rejection stops the Hocuspocus upgrade handler without an error.
    return Promise.reject() // eslint-disable-line prefer-promise-reject-errors
  }
})

const yws = new WebSocketServer({ noServer: true, maxPayload: 100 * 1024 * 1024 })

// One y-websocket socket = one Hocuspocus document connection addressed by the room name.
function bridge (ws, nodeRequest) {
  const url = new URL(nodeRequest.url, 'http://127.0.0.1')
  const room = decodeURIComponent(url.pathname.slice('/yws/'.length))
  const headers = new Headers()
  for (const [name, value] of Object.entries(nodeRequest.headers)) {
    if (typeof value === 'string') headers.set(name, value)
  }
  const adapter = {
    readyState: 1,
    send (data) {
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
      const decoder = decoding.createDecoder(bytes)
      decoding.readVarString(decoder)
      const type = decoding.readVarUint(decoder)
      if (type === 0 || type === 1 || type === 3) {
        const encoder = encoding.createEncoder()
        encoding.writeVarUint(encoder, type)
        encoding.writeUint8Array(encoder, bytes.subarray(decoder.pos))
        ws.send(encoding.toUint8Array(encoder))
      } else if (type === 2 && decoding.readVarUint(decoder) === 1) {
        const reason = decoding.readVarString(decoder)
        const encoder = encoding.createEncoder()
        encoding.writeVarUint(encoder, 2)
        encoding.writeVarUint(encoder, 0)
        encoding.writeVarString(encoder, reason)
        ws.send(encoding.toUint8Array(encoder))
        ws.close(4401, reason)
      } else if (type === 7) {
        ws.close(1000)
      }
    },
    close (code, reason) {
      ws.close(code, reason)
    }
  }
  const client = server.hocuspocus.handleConnection(adapter, new Request(url.href, { headers }))
  const addressed = body => {
    const encoder = encoding.createEncoder()
    encoding.writeVarString(encoder, room)
    encoding.writeUint8Array(encoder, body)
    return encoding.toUint8Array(encoder)
  }
  const auth = encoding.createEncoder()
  encoding.writeVarUint(auth, 2)
  encoding.writeVarUint(auth, 0)
  encoding.writeVarString(auth, url.searchParams.get('token') ?? '')
  client.handleMessage(addressed(encoding.toUint8Array(auth)))
  ws.on('message', data => client.handleMessage(addressed(new Uint8Array(data))))
  ws.on('close', (code, reason) => {
    adapter.readyState = 3
    client.handleClose({ code, reason: reason.toString() })
  })
}

await server.listen()
const address = `ws://127.0.0.1:${server.address.port}`
console.log(JSON.stringify({ listening: address, yws: address + '/yws' }))
