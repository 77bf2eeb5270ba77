#!/usr/bin/env node
// The yjs baseline for Collab.Benchmarks: the same workloads, with the same warmup / iteration / inner-loop
// counts, measured with the real yjs 13.6.33 (loaded from tests/js/node_modules) on this machine.
//
//   node --expose-gc benchmarks/yjs-baseline/baseline.mjs                       # every case, JSON on stdout
//   node --expose-gc benchmarks/yjs-baseline/baseline.mjs --cases b4-replay,b1-apply-remote --iterations 3
//
// Every case runs in its own child process (like BenchmarkDotNet runs every benchmark in its own process):
// `warmup` unmeasured iterations, then `iterations` measured ones; an iteration runs the workload `ops` times
// and reports milliseconds per operation. Cases that exceed --timeout-s are reported as timed out.
// Keep WORKLOADS in sync with benchmarks/Collab.Benchmarks/Workloads.cs.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..', '..')
const require = createRequire(path.join(root, 'tests', 'js', 'package.json'))
const Y = require('yjs')
const TRACE = path.join(root, 'testdata', 'editing-traces', 'automerge-paper.json')
const FINAL = path.join(root, 'testdata', 'editing-traces', 'automerge-paper.final.txt')
const CLIENT_ID = 0xDEADBEEF
const B1_COUNT = 6000
const MERGE_PREFIX = 20000
const MANY_CLIENTS = 2000
const MANY_UPDATES = 2000

// name -> { ops: operations per iteration, setup(): state, run(state): void, kind: 'time' | 'memory' }
const WORKLOADS = {
  'b4-replay': { ops: 1, setup: loadTrace, run: (edits) => { const r = replay(edits, true); check(r.text.toString() === finalText(), 'replayed text') } },
  'b4-encode-v1': { ops: 50, setup: () => replay(loadTrace(), false).doc, run: (doc) => Y.encodeStateAsUpdate(doc) },
  'b4-encode-v2': { ops: 50, setup: () => replay(loadTrace(), false).doc, run: (doc) => Y.encodeStateAsUpdateV2(doc) },
  'b4-decode-v1': { ops: 10, setup: () => Y.encodeStateAsUpdate(replay(loadTrace(), false).doc), run: (u) => decode(u, Y.applyUpdate) },
  'b4-decode-v2': { ops: 10, setup: () => Y.encodeStateAsUpdateV2(replay(loadTrace(), false).doc), run: (u) => decode(u, Y.applyUpdateV2) },
  'b1-apply-remote': { ops: 1, setup: b1Updates, run: (ups) => { const d = new Y.Doc(); for (const u of ups) Y.applyUpdate(d, u); check(d.getText('text').length === B1_COUNT, 'b1 length') } },
  'many-clients-apply': { ops: 1, setup: manyClients, run: ({ base, updates }) => { const d = new Y.Doc(); Y.applyUpdate(d, base); for (const u of updates) Y.applyUpdate(d, u); check(d.getText('text').length === MANY_CLIENTS + MANY_UPDATES, 'many-clients length') } },
  'b4-merge-first20k': { ops: 1, setup: () => replay(loadTrace(), true).updates.slice(0, MERGE_PREFIX), run: (ups) => Y.mergeUpdates(ups) },
  'b4-merge-all': { ops: 1, setup: () => replay(loadTrace(), true).updates, run: (ups) => Y.mergeUpdates(ups) },
  'memory-b4-replayed': { kind: 'memory', build: () => replay(loadTrace(), false).doc },
  'memory-b4-decoded': { kind: 'memory', prepare: () => Y.encodeStateAsUpdate(replay(loadTrace(), false).doc), build: (u) => { const d = new Y.Doc(); Y.applyUpdate(d, u); d.getText('text').toString(); return d } }
}

function loadTrace () { return JSON.parse(fs.readFileSync(TRACE, 'utf8')) }
let final
function finalText () { return final ?? (final = fs.readFileSync(FINAL, 'utf8')) }
function check (ok, what) { if (!ok) throw new Error('check failed: ' + what) }

// One edit per transaction; with `collect`, every transaction's v1 update is kept (doc.on('update') encodes it).
function replay (edits, collect) {
  const doc = new Y.Doc()
  doc.clientID = CLIENT_ID
  const updates = []
  if (collect) doc.on('update', (u) => updates.push(u))
  const text = doc.getText('text')
  for (const [pos, del, ins] of edits) {
    if (del > 0) text.delete(pos, del)
    if (ins) text.insert(pos, ins)
  }
  return { doc, text, updates }
}

function decode (update, apply) {
  const d = new Y.Doc()
  apply(d, update)
  check(d.getText('text').toString().length === finalText().length, 'decoded length')
}

// B1: one document appends 6000 single characters, one update each.
function b1Updates () {
  const doc = new Y.Doc()
  doc.clientID = CLIENT_ID
  const updates = []
  doc.on('update', (u) => updates.push(u))
  const text = doc.getText('text')
  for (let i = 0; i < B1_COUNT; i++) text.insert(i, String.fromCharCode(97 + (i % 26)))
  return updates
}

// A document that MANY_CLIENTS clients (ids 1..MANY_CLIENTS) wrote one character each (like a long-lived document:
// every provider session has a new client id), then MANY_UPDATES single-character appends by one more client.
function manyClients () {
  const parts = []
  for (let i = 1; i <= MANY_CLIENTS; i++) {
    const d = new Y.Doc()
    d.clientID = i
    d.getText('text').insert(0, 'x')
    parts.push(Y.encodeStateAsUpdate(d))
  }
  const base = Y.mergeUpdates(parts)
  const writer = new Y.Doc()
  writer.clientID = CLIENT_ID
  Y.applyUpdate(writer, base)
  const updates = []
  writer.on('update', (u) => updates.push(u))
  const text = writer.getText('text')
  for (let i = 0; i < MANY_UPDATES; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)))
  return { base, updates }
}

const gc = () => { global.gc(); global.gc() }

function child (name, warmup, iterations) {
  const w = WORKLOADS[name]
  if (w.kind === 'memory') {
    const input = w.prepare ? w.prepare() : undefined
    gc()
    const before = process.memoryUsage().heapUsed
    const kept = w.build(input)
    gc()
    const after = process.memoryUsage().heapUsed
    check(kept !== null, 'kept alive')
    return { bytes: after - before }
  }
  const state = w.setup()
  const times = []
  for (let i = 0; i < warmup + iterations; i++) {
    gc()
    const t0 = performance.now()
    for (let k = 0; k < w.ops; k++) w.run(state)
    const ms = (performance.now() - t0) / w.ops
    if (i >= warmup) times.push(ms)
  }
  return { ops: w.ops, iterationsMs: times }
}

const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length
const median = (a) => { const s = a.slice().sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2 }

const args = process.argv.slice(2)
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def }
if (args[0] === '--child') {
  process.stdout.write(JSON.stringify(child(args[1], Number(args[2]), Number(args[3]))) + '\n')
} else {
  if (typeof global.gc !== 'function') { process.stderr.write('run with node --expose-gc\n'); process.exit(2) }
  const names = opt('--cases', Object.keys(WORKLOADS).join(',')).split(',').filter(n => n !== '')
  for (const n of names) if (!WORKLOADS[n]) { process.stderr.write(`unknown case ${n}\n`); process.exit(2) }
  const warmup = Number(opt('--warmup', 1))
  const iterations = Number(opt('--iterations', 5))
  const timeoutS = Number(opt('--timeout-s', 300))
  const results = {}
  for (const name of names) {
    const t0 = performance.now()
    const p = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', fileURLToPath(import.meta.url), '--child', name, String(warmup), String(iterations)],
      { encoding: 'utf8', timeout: timeoutS * 1000, killSignal: 'SIGKILL', maxBuffer: 1 << 24 })
    if (p.error?.code === 'ETIMEDOUT' || p.signal === 'SIGKILL') {
      results[name] = { timedOut: true, timeoutS }
    } else if (p.status !== 0) {
      results[name] = { error: (p.stderr || String(p.error)).trim().split('\n').slice(-5).join('\n') }
    } else {
      const r = JSON.parse(p.stdout.trim().split('\n').pop())
      if (r.iterationsMs) Object.assign(r, { meanMs: mean(r.iterationsMs), medianMs: median(r.iterationsMs) })
      results[name] = r
    }
    process.stderr.write(`yjs baseline: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)
  }
  const environment = {
    yjs: require('yjs/package.json').version,
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    warmup,
    iterations
  }
  process.stdout.write(JSON.stringify({ environment, results }, null, 2) + '\n')
}
