// Shared helpers of the e2e scenarios: command line, bounded waits, real clients, the result line.
//
// Every scenario prints exactly one JSON line on stdout, last:
//   {"scenario":"<name>","ok":true,...details}   exit code 0
//   {"scenario":"<name>","ok":false,"error":"<what went wrong>"}   exit code 1
// Progress lines (phases of multi-step scenarios) are JSON lines with a "phase" field.

import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import * as Y from 'yjs'

export { Y, WebSocket, HocuspocusProvider, HocuspocusProviderWebsocket, WebsocketProvider }

const argv = process.argv.slice(2)

/** `--name value` from the command line, else the environment variable, else the fallback. */
export function option (name, env, fallback) {
  const index = argv.indexOf('--' + name)
  if (index >= 0 && index + 1 < argv.length) return argv[index + 1]
  if (env && process.env[env]) return process.env[env]
  return fallback
}

export function flag (name) {
  return argv.includes('--' + name)
}

/**
 * The tokens the scenarios use; servers with real authentication (e.g. JWT) pass their own:
 * --valid-token (read-write), --readonly-token (read-only), --invalid-token (rejected).
 */
export const tokens = {
  valid: option('valid-token', 'E2E_VALID_TOKEN', 'valid-token'),
  readonly: option('readonly-token', 'E2E_READONLY_TOKEN', 'readonly-token'),
  invalid: option('invalid-token', 'E2E_INVALID_TOKEN', 'wrong-token')
}

let scenarioName = 'unknown'
let finished = false

/**
 * Starts a scenario: reads the server URL (--url or E2E_URL, a Hocuspocus endpoint such as ws://127.0.0.1:1234)
 * and arms a hard deadline (--timeout ms or E2E_TIMEOUT, default 30 000) after which the scenario fails.
 */
export function scenario (name, { timeout = 30000 } = {}) {
  scenarioName = name
  const url = option('url', 'E2E_URL', null)
  if (!url) fail('no server URL: pass --url ws://host:port (or set E2E_URL)')
  const deadline = Number(option('timeout', 'E2E_TIMEOUT', String(timeout)))
  setTimeout(() => fail(`scenario did not finish within ${deadline} ms (last step: ${currentStep})`), deadline)
  process.on('unhandledRejection', error => fail(`unhandled rejection: ${error?.stack ?? error}`))
  process.on('uncaughtException', error => fail(`uncaught exception: ${error?.stack ?? error}`))
  return { url, yws: option('yws-url', 'E2E_YWS_URL', url.replace(/\/$/, '') + '/yws'), doc: option('doc', 'E2E_DOC', `${name}-${process.pid}-${Date.now()}`) }
}

let currentStep = 'start'

/** Names the step being executed; failures and timeouts report it. */
export function step (name) {
  currentStep = name
}

export function fail (error) {
  if (finished) return
  finished = true
  process.stdout.write(JSON.stringify({ scenario: scenarioName, ok: false, step: currentStep, error: String(error) }) + '\n', () => process.exit(1))
}

export function pass (details = {}) {
  if (finished) return
  finished = true
  process.stdout.write(JSON.stringify({ scenario: scenarioName, ok: true, ...details }) + '\n', () => process.exit(0))
}

export function phase (name, details = {}) {
  process.stdout.write(JSON.stringify({ scenario: scenarioName, phase: name, ...details }) + '\n')
}

export function check (condition, message) {
  if (!condition) throw new Error(message)
}

export function sleep (ms) {
  return new Promise(resolve => setTimeout(resolve, ms))
}

/** Resolves once `predicate()` is true (checked on every event of `emitters` and every 20 ms); else rejects. */
export async function waitFor (what, predicate, ms = 10000) {
  const started = Date.now()
  while (!predicate()) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(20)
  }
}

/** Resolves with the first event `name` of `emitter` (Hocuspocus EventEmitter or lib0 Observable), or rejects. */
export function nextEvent (emitter, name, what, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, handler)
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`))
    }, ms)
    const handler = (...values) => {
      clearTimeout(timer)
      emitter.off(name, handler)
      resolve(values[0])
    }
    emitter.on(name, handler)
  })
}

/** A socket shared by several providers. */
export function socket (url, options = {}) {
  return new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket, delay: 100, minDelay: 100, maxDelay: 1000, ...options })
}

/**
 * A Hocuspocus provider on its own socket (or on `websocketProvider`), with a record of what happened to it:
 * `events.authenticated` (scope), `events.authenticationFailed` (reason), `events.stateless` (payloads).
 */
export function provider ({ url, name, token = tokens.valid, document = new Y.Doc(), websocketProvider, ...rest }) {
  const events = { authenticated: null, authenticationFailed: null, stateless: [], closed: [] }
  const instance = new HocuspocusProvider({
    ...(websocketProvider ? { websocketProvider } : { url, WebSocketPolyfill: WebSocket, delay: 100, minDelay: 100, maxDelay: 1000 }),
    name,
    token,
    document,
    onAuthenticated: ({ scope }) => { events.authenticated = scope },
    onAuthenticationFailed: ({ reason }) => { events.authenticationFailed = reason },
    onStateless: ({ payload }) => { events.stateless.push(payload) },
    onClose: ({ event }) => { events.closed.push({ code: event?.code, reason: event?.reason }) },
    ...rest
  })
  if (websocketProvider) instance.attach()
  instance.events = events
  return instance
}

/** Waits until the provider finished its first sync handshake. */
export async function synced (p, ms = 10000) {
  const state = () => `socket: ${p.configuration.websocketProvider.status}, authenticated: ${p.events?.authenticated}, failed: ${p.events?.authenticationFailed}, closed: ${JSON.stringify(p.events?.closed)}`
  try {
    await waitFor(`"${p.configuration.name}" to sync`, () => p.isSynced, ms)
  } catch (error) {
    throw new Error(`${error.message} (${state()})`)
  }
}

/** Waits until the server acknowledged every change the provider sent (SyncStatus). */
export async function acknowledged (p, ms = 10000) {
  await waitFor(`the server to acknowledge every change of "${p.configuration.name}" (unsynced: ${p.unsyncedChanges})`, () => p.isSynced && !p.hasUnsyncedChanges, ms)
}

/** Closes the provider's socket and waits until it is really closed (the close event is asynchronous). */
export async function goOffline (p, ms = 10000) {
  const ws = p.configuration.websocketProvider
  ws.disconnect()
  await waitFor(`"${p.configuration.name}" to go offline`, () => ws.status === 'disconnected' && !p.isSynced, ms)
}

/** Reopens the provider's socket and waits for the sync handshake. */
export async function goOnline (p, ms = 10000) {
  p.configuration.websocketProvider.connect()
  await synced(p, ms)
}

/** A y-websocket client for room `name` on base URL `yws` (the room is appended as a path segment). */
export function ywsProvider ({ yws, name, token = tokens.valid, document = new Y.Doc() }) {
  return new WebsocketProvider(yws, name, document, { WebSocketPolyfill: WebSocket, params: { token }, maxBackoffTime: 1000 })
}

/**
 * A deterministic, comparable picture of a whole document: every root type as JSON, texts as deltas.
 * `schema` ({rootName: Y.Text | Y.Array | ...}) types the roots first, as an application would.
 */
export function snapshot (doc, schema = {}) {
  for (const [name, type] of Object.entries(schema)) doc.get(name, type)
  const out = {}
  for (const [key, type] of [...doc.share.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    out[key] = describe(type)
  }
  return out
}

function describe (value) {
  if (value instanceof Y.XmlText) return { xmltext: value.toDelta().map(describeDelta) }
  if (value instanceof Y.Text) return { text: value.toDelta().map(describeDelta) }
  if (value instanceof Y.XmlElement) return { element: value.nodeName, attributes: sortObject(value.getAttributes()), children: value.toArray().map(describe) }
  if (value instanceof Y.XmlFragment) return { fragment: value.toArray().map(describe) }
  if (value instanceof Y.Array) return { array: value.toArray().map(describe) }
  if (value instanceof Y.Map) return { map: Object.fromEntries([...value.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, describe(v)])) }
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64') }
  if (value instanceof Y.AbstractType) {
    // A root type nobody has typed yet on this side (doc.get without a constructor).
    return { unknownType: value.toJSON() }
  }
  if (typeof value === 'bigint') return { bigint: value.toString() }
  if (Array.isArray(value)) return value.map(describe)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]))
  return value
}

function describeDelta (op) {
  return { ...op, insert: typeof op.insert === 'string' ? op.insert : describe(op.insert), ...(op.attributes ? { attributes: sortObject(op.attributes) } : {}) }
}

function sortObject (object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)))
}

export function same (a, b) {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Waits until all documents have identical snapshots. */
export async function converged (what, docs, schema = {}, ms = 10000) {
  try {
    await waitFor(what, () => docs.every(d => same(snapshot(d, schema), snapshot(docs[0], schema))), ms)
  } catch (error) {
    throw new Error(`${error.message}; snapshots: ${docs.map(d => JSON.stringify(snapshot(d, schema)).slice(0, 400)).join(' | ')}`)
  }
}

/** Runs the scenario body; any exception fails the scenario with its message. */
export function run (body) {
  body().then(details => pass(details), error => fail(error?.stack ?? error))
}
