#!/usr/bin/env node
// Records a seeded random session of y-protocols Awareness instances under a manual clock, as one JSON
// document on stdout, so that the C# Awareness can replay the same operations and compare every event,
// state, clock and encoded update.
//
//   node yjs-oracle/awareness-trace.mjs --seed 3 --steps 300
//
// The clock and the periodic check are driven by hand: Date.now and setInterval are replaced before
// y-protocols is loaded (lib0/time captures Date.now when it is imported).

const args = process.argv.slice(2)
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? Number(args[i + 1]) : def }
const seed = opt('--seed', 1)
const stepCount = opt('--steps', 200)

const START = 1_700_000_000_000
let now = START
Date.now = () => now
const intervals = [] // { fn, period, next }
globalThis.setInterval = (fn, period) => { const t = { fn, period, next: now + period }; intervals.push(t); return t }
globalThis.clearInterval = (t) => { const i = intervals.indexOf(t); if (i >= 0) intervals.splice(i, 1) }

const Y = await import('yjs')
const prng = await import('lib0/prng')
const { Awareness, encodeAwarenessUpdate, applyAwarenessUpdate, removeAwarenessStates } = await import('y-protocols/awareness')

const hex = (u8) => Buffer.from(u8).toString('hex')
const gen = prng.create(seed)

// Three peers with fixed ids; "server" plays a relay whose local state is null.
const ids = { a: 11, b: 3000000000, server: 77 }
const peers = {}
const events = []
for (const [name, id] of Object.entries(ids)) {
  const doc = new Y.Doc()
  doc.clientID = id
  const aw = new Awareness(doc)
  aw.on('change', (e, origin) => events.push({ peer: name, event: 'change', added: e.added, updated: e.updated, removed: e.removed, origin }))
  aw.on('update', (e, origin) => events.push({ peer: name, event: 'update', added: e.added, updated: e.updated, removed: e.removed, origin }))
  peers[name] = aw
}

const advance = (ms) => {
  const target = now + ms
  for (;;) {
    const due = intervals.filter(t => t.next <= target).sort((x, y) => x.next - y.next)[0]
    if (due === undefined) break
    now = due.next
    due.next += due.period
    due.fn()
  }
  now = target
}

const STATES = [
  () => ({}),
  () => ({ user: { name: prng.oneOf(gen, ['Ann', 'Bo', 'Zoë 😀']), color: prng.oneOf(gen, ['#f00', '#0f0']) } }),
  () => ({ cursor: { anchor: prng.int32(gen, 0, 50), head: prng.int32(gen, 0, 50) }, 2: 'two', 1: 'one' }),
  () => ({ x: prng.real53(gen), big: 1e21, small: 1e-7, list: [1, 'a', null, true] }),
  () => ({ user: { name: 'Ann', color: '#f00' } }),
  () => null
]

const snapshot = () => {
  const out = {}
  for (const [name, aw] of Object.entries(peers)) {
    const states = {}
    aw.getStates().forEach((s, c) => { states[c] = JSON.stringify(s) })
    const meta = {}
    aw.meta.forEach((m, c) => { meta[c] = { clock: m.clock, lastUpdated: m.lastUpdated - START } })
    out[name] = { states, meta }
  }
  return out
}

const steps = []
const sent = [] // every update ever encoded, to be replayed late (stale / duplicate deliveries)
const record = (op) => {
  steps.push(Object.assign(op, { events: events.splice(0), after: snapshot() }))
}

record({ op: 'start' })
peers.server.setLocalState(null)
record({ op: 'setLocalState', peer: 'server', state: null })
for (let i = 0; i < stepCount; i++) {
  const names = Object.keys(peers)
  const r = prng.int32(gen, 0, 9)
  if (r <= 2) {
    const peer = prng.oneOf(gen, ['a', 'b'])
    const state = prng.oneOf(gen, STATES)()
    peers[peer].setLocalState(state)
    record({ op: 'setLocalState', peer, state })
  } else if (r <= 6) {
    const from = prng.oneOf(gen, names)
    const to = prng.oneOf(gen, names.filter(n => n !== from))
    const known = Array.from(peers[from].meta.keys())
    const clients = prng.bool(gen) ? known : known.filter(() => prng.bool(gen))
    const update = encodeAwarenessUpdate(peers[from], clients)
    sent.push(update)
    record({ op: 'encode', peer: from, clients, update: hex(update) })
    applyAwarenessUpdate(peers[to], update, 'from-' + from)
    record({ op: 'apply', peer: to, update: hex(update), origin: 'from-' + from })
  } else if (r === 7 && sent.length > 0) {
    const update = prng.oneOf(gen, sent)
    const to = prng.oneOf(gen, names)
    applyAwarenessUpdate(peers[to], update, 'replay')
    record({ op: 'apply', peer: to, update: hex(update), origin: 'replay' })
  } else if (r === 8) {
    const peer = prng.oneOf(gen, names)
    const clients = Object.values(ids).filter(() => prng.bool(gen))
    removeAwarenessStates(peers[peer], clients, 'disconnect')
    record({ op: 'remove', peer, clients, origin: 'disconnect' })
  } else {
    const ms = prng.oneOf(gen, [500, 2999, 3000, 7000, 15000, 31000])
    advance(ms)
    record({ op: 'advance', ms })
  }
}

process.stdout.write(JSON.stringify({ seed, start: START, ids, steps }) + '\n')
for (const aw of Object.values(peers)) aw.destroy()
