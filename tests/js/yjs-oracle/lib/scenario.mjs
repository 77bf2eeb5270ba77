// One differential scenario: several client documents edit concurrently (syncing now and then),
// every local transaction's update is logged (v1 and v2), the log is delivered to a receiver in a
// perturbed order, and the receiver's resulting state is recorded as the expectation.

import * as Y from 'yjs'
import * as prng from 'lib0/prng'
import { arrayEdit, containersOf, mapEdit, textEdit, xmlEdit } from './ops.mjs'
import { base64, rootOf, rootResult } from './tagged.mjs'

export const RECEIVER_ID = 999999
export const KINDS = ['text', 'richtext', 'map', 'array', 'xml', 'xmlElement', 'mixed']
export const FEATURES = ['unicode', 'surrogates', 'nested', 'subdocs', 'hooks', 'bigint', 'undefined', 'duplicates', 'fullstate', 'drops', 'transactions']

const ROOTS = {
  text: { text: 'text' },
  richtext: { rich: 'text' },
  map: { map: 'map' },
  array: { array: 'array' },
  xml: { xml: 'xmlFragment' },
  xmlElement: { el: 'xmlElement' },
  mixed: { text: 'text', map: 'map', array: 'array', xml: 'xmlFragment' }
}

/** Scenario `index` of a run started with `seed`: independent of the other scenarios of the run. */
export const scenarioSeed = (seed, index) => (Math.imul(seed >>> 0, 0x9E3779B1) ^ Math.imul(index + 1, 0x85EBCA77)) >>> 0

function pickClients (gen, n) {
  const ids = new Set()
  while (ids.size < n) {
    const id = prng.int32(gen, 0, 2) === 0 ? prng.int32(gen, 0, 30) : prng.uint32(gen, 0, 4294967295)
    if (id !== RECEIVER_ID) ids.add(id)
  }
  return Array.from(ids)
}

const gcFor = (gen, mode) => mode === 'on' ? true : mode === 'off' ? false : prng.int32(gen, 0, 2) !== 0

function edit (gen, doc, kind, roots, cx) {
  const types = Object.entries(roots).map(([name, k]) => rootOf(doc, name, k))
  if (kind === 'text') return textEdit(gen, types[0], Object.assign({}, cx, { rich: false }))
  if (kind === 'richtext') return textEdit(gen, types[0], Object.assign({}, cx, { rich: true }))
  const c = containersOf(types)
  if (kind === 'xml' || kind === 'xmlElement') return xmlEdit(gen, types[0], cx, c)
  if (kind === 'map' && !cx.features.nested) return mapEdit(gen, types[0], cx)
  if (kind === 'array' && !cx.features.nested) return arrayEdit(gen, types[0], cx)
  const r = prng.int32(gen, 0, 9)
  if (r <= 2 && c.maps.length > 0) return mapEdit(gen, prng.oneOf(gen, c.maps), cx)
  if (r <= 5 && c.arrays.length > 0) return arrayEdit(gen, prng.oneOf(gen, c.arrays), cx)
  if (r <= 7 && c.texts.length > 0) return textEdit(gen, prng.oneOf(gen, c.texts), Object.assign({}, cx, { rich: prng.bool(gen) }))
  if (c.xmlParents.length > 0 && prng.bool(gen)) return xmlEdit(gen, c.xmlParents[0], cx, c)
  if (c.maps.length > 0) return mapEdit(gen, prng.oneOf(gen, c.maps), cx)
  return arrayEdit(gen, prng.oneOf(gen, c.arrays), cx)
}

function shuffle (gen, list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = prng.int32(gen, 0, i)
    const t = list[i]; list[i] = list[j]; list[j] = t
  }
  return list
}

function deliveryOrder (gen, log, clients, mode) {
  let order = log.slice()
  if (mode === 'window') {
    const keyed = order.map((e, i) => ({ e, k: i + prng.int32(gen, 0, 10) }))
    order = keyed.sort((a, b) => a.k - b.k).map(x => x.e)
  } else if (mode === 'perClient') {
    order = shuffle(gen, clients.slice()).flatMap(c => order.filter(e => e.client === c))
  } else if (mode === 'reversed') {
    order.reverse()
  } else if (mode === 'random') {
    shuffle(gen, order)
  }
  return order
}

/**
 * @param {number} seed scenario seed (see scenarioSeed)
 * @param {{ kinds: string[], features: Set<string>, gc: 'on'|'off'|'mixed', maxOps: number, maxClients: number }} opts
 */
export function generateScenario (seed, opts) {
  const gen = prng.create(seed)
  const has = (f) => opts.features.has(f)
  const kind = prng.oneOf(gen, opts.kinds)
  const roots = ROOTS[kind]
  const clients = pickClients(gen, prng.int32(gen, 2, Math.max(2, opts.maxClients)))
  const cx = {
    features: { unicode: has('unicode'), nested: has('nested'), subdocs: has('subdocs'), hooks: has('hooks'), bigint: has('bigint'), undefined: has('undefined') },
    surrogates: has('surrogates') && kind === 'text' && prng.int32(gen, 0, 3) === 0
  }
  const pSync = prng.oneOf(gen, [0, 0.03, 0.1, 0.3])
  const pTxn = has('transactions') ? prng.oneOf(gen, [0, 0.1, 0.3]) : 0
  const delivery = prng.oneOf(gen, ['inOrder', 'window', 'window', 'perClient', 'reversed', 'random'])
  const pDup = has('duplicates') ? prng.oneOf(gen, [0, 0, 0.05, 0.2]) : 0
  const pDrop = has('drops') && prng.int32(gen, 0, 7) === 0 ? 0.05 : 0
  const extraCount = has('fullstate') ? prng.int32(gen, 0, 2) : 0

  const log = []
  const docs = new Map()
  for (const id of clients) {
    const doc = new Y.Doc({ gc: gcFor(gen, opts.gc), guid: 'client-' + id })
    doc.clientID = id
    const open = new Map()
    doc.on('update', (update, origin, d, tr) => {
      if (!tr.local) return
      const e = { client: id, seq: log.length, v1: update, v2: null }
      open.set(tr, e)
      log.push(e)
    })
    doc.on('updateV2', (update, origin, d, tr) => {
      const e = open.get(tr)
      if (e !== undefined) { e.v2 = update; open.delete(tr) }
    })
    docs.set(id, doc)
  }
  const pull = (to, from) => {
    const a = docs.get(to); const b = docs.get(from)
    if (prng.bool(gen)) Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'sync')
    else Y.applyUpdateV2(a, Y.encodeStateAsUpdateV2(b, Y.encodeStateVector(a)), 'sync')
  }

  const remaining = new Map(clients.map(c => [c, prng.int32(gen, 1, Math.max(1, opts.maxOps))]))
  const totalOps = Array.from(remaining.values()).reduce((a, b) => a + b, 0)
  const extraAt = Array.from({ length: extraCount }, () => prng.int32(gen, 0, totalOps))
  const extras = []
  let done = 0
  while (done < totalOps) {
    const c = prng.oneOf(gen, clients.filter(x => remaining.get(x) > 0))
    const n = prng.real53(gen) < pTxn ? Math.min(remaining.get(c), prng.int32(gen, 2, 5)) : 1
    docs.get(c).transact(() => { for (let i = 0; i < n; i++) edit(gen, docs.get(c), kind, roots, cx) })
    remaining.set(c, remaining.get(c) - n)
    done += n
    if (prng.real53(gen) < pSync) {
      const a = prng.oneOf(gen, clients); const b = prng.oneOf(gen, clients)
      if (a !== b) { pull(a, b); if (prng.bool(gen)) pull(b, a) }
    }
    for (let i = 0; i < extraAt.length; i++) {
      if (extraAt[i] !== null && done >= extraAt[i]) {
        extraAt[i] = null
        const from = docs.get(prng.oneOf(gen, clients))
        const against = prng.bool(gen) ? new Uint8Array([0]) : Y.encodeStateVector(docs.get(prng.oneOf(gen, clients)))
        extras.push({ client: from.clientID, seq: -1, v1: Y.encodeStateAsUpdate(from, against), v2: Y.encodeStateAsUpdateV2(from, against), note: against.length === 1 ? 'full state' : 'sync step 2 against another client' })
      }
    }
  }

  let order = deliveryOrder(gen, log, clients, delivery)
  if (pDup > 0) {
    const out = []
    for (const e of order) {
      out.push(e)
      if (prng.real53(gen) < pDup) out.splice(prng.int32(gen, 0, out.length), 0, Object.assign({}, e, { note: 'duplicate' }))
    }
    order = out
  }
  for (const x of extras) order.splice(prng.int32(gen, 0, order.length), 0, x)
  if (pDrop > 0) order = order.filter(() => prng.real53(gen) >= pDrop)

  const receiverGc = gcFor(gen, opts.gc)
  const typedBefore = prng.bool(gen)
  const v1 = receive(order, 'v1', receiverGc, typedBefore, roots)
  const v2 = receive(order, 'v2', receiverGc, typedBefore, roots)
  const diffAgainst = [
    order.length > 0 ? v1.steps[prng.int32(gen, 0, order.length - 1)] : base64(new Uint8Array([0])),
    base64(Y.encodeStateVector(docs.get(prng.oneOf(gen, clients))))
  ]
  const expected = expectation(v1.doc, roots, diffAgainst, order)
  const expectedV2 = expectation(v2.doc, roots, diffAgainst, null)
  const scenario = {
    seed,
    kind,
    description: `${clients.length} clients, ${log.length} local updates, sync p=${pSync}, txn p=${pTxn}, delivery ${delivery}, dup p=${pDup}, drop p=${pDrop}, ${extras.length} sync-step-2 messages${cx.surrogates ? ', positions may split surrogate pairs' : ''}`,
    clients,
    roots,
    receiver: { clientID: RECEIVER_ID, gc: receiverGc, rootsTypedBeforeApply: typedBefore },
    updates: order.map(e => Object.assign({ client: e.client, seq: e.seq, v1: base64(e.v1), v2: base64(e.v2) }, e.note ? { note: e.note } : {})),
    steps: v1.steps,
    expected
  }
  // Applying the v2 form of the same updates gives the same state in yjs; record it if it ever does not.
  if (JSON.stringify(expectedV2) !== JSON.stringify(Object.assign({}, expected, { mergeUpdates: undefined, mergeUpdatesV2: undefined }))) {
    scenario.expectedWhenAppliedAsV2 = expectedV2
  }
  for (const d of docs.values()) d.destroy()
  return scenario
}

function receive (order, format, gc, typedBefore, roots) {
  const doc = new Y.Doc({ gc, guid: 'receiver' })
  doc.clientID = RECEIVER_ID
  if (typedBefore) for (const [name, k] of Object.entries(roots)) rootOf(doc, name, k)
  const steps = []
  for (const e of order) {
    if (format === 'v1') Y.applyUpdate(doc, e.v1, 'remote')
    else Y.applyUpdateV2(doc, e.v2, 'remote')
    steps.push(base64(Y.encodeStateVector(doc)))
  }
  return { doc, steps }
}

function expectation (doc, roots, diffAgainst, order) {
  const rootResults = {}
  for (const [name, k] of Object.entries(roots)) rootResults[name] = rootResult(doc, name, k)
  const pendingStructs = doc.store.pendingStructs
  const missing = {}
  if (pendingStructs !== null) pendingStructs.missing.forEach((clock, client) => { missing[client] = clock })
  const res = {
    roots: rootResults,
    stateVector: base64(Y.encodeStateVector(doc)),
    stateAsUpdate: base64(Y.encodeStateAsUpdate(doc)),
    stateAsUpdateV2: base64(Y.encodeStateAsUpdateV2(doc)),
    pending: { structs: pendingStructs === null ? null : missing, deleteSet: doc.store.pendingDs !== null },
    diffs: diffAgainst.map(sv => {
      const bytes = Buffer.from(sv, 'base64')
      return { stateVector: sv, update: base64(Y.encodeStateAsUpdate(doc, bytes)), updateV2: base64(Y.encodeStateAsUpdateV2(doc, bytes)) }
    })
  }
  if (order !== null) {
    res.mergeUpdates = order.length > 0 ? base64(Y.mergeUpdates(order.map(e => e.v1))) : null
    res.mergeUpdatesV2 = order.length > 0 ? base64(Y.mergeUpdatesV2(order.map(e => e.v2))) : null
    res.mergeTie = hasGcItemOverlap(order)
  }
  return res
}

// mergeUpdates sorts the input decoders with a comparator that is inconsistent when a GC and an Item start at
// the same id (each compares as smaller than the other), so which one wins depends on V8's sort internals.
// Flag scenarios whose input has a GC and an Item covering the same id: there the merged bytes may differ
// legitimately in an implementation with a consistent order.
function hasGcItemOverlap (order) {
  const ranges = new Map() // client -> [{ from, to, gc }]
  for (const e of order) {
    for (const s of Y.decodeUpdate(e.v1).structs) {
      if (s instanceof Y.Skip) continue
      const list = ranges.get(s.id.client) ?? []
      list.push({ from: s.id.clock, to: s.id.clock + s.length, gc: s instanceof Y.GC })
      ranges.set(s.id.client, list)
    }
  }
  for (const list of ranges.values()) {
    const gcs = list.filter(r => r.gc)
    if (gcs.length === 0) continue
    for (const item of list) {
      if (!item.gc && gcs.some(g => g.from < item.to && item.from < g.to)) return true
    }
  }
  return false
}
