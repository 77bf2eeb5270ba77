#!/usr/bin/env node
// Differential fuzz oracle: generates random multi-client yjs sessions with the real `yjs` package and
// streams one JSON object per scenario (one line each) to stdout. See README.md for the format.
//
//   node yjs-oracle/fuzz.mjs --seed 1 --count 500
//   node yjs-oracle/fuzz.mjs --seed 1 --start 137 --count 1 --pretty      # reproduce one scenario
//   node yjs-oracle/fuzz.mjs --kinds text,richtext --without subdocs,hooks --gc off --max-ops 200

import { FEATURES, KINDS, generateScenario, scenarioSeed } from './lib/scenario.mjs'

function parseArgs (argv) {
  const o = { seed: 1, start: 0, count: 100, kinds: KINDS, features: new Set(FEATURES), gc: 'mixed', maxOps: 40, maxClients: 4, pretty: false }
  const list = (v, allowed, what) => {
    const xs = v.split(',').map(s => s.trim()).filter(s => s !== '')
    for (const x of xs) if (!allowed.includes(x)) throw new Error(`unknown ${what} "${x}" (known: ${allowed.join(', ')})`)
    return xs
  }
  const num = (v, name) => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i] }
    switch (a) {
      case '--seed': o.seed = num(next(), a); break
      case '--start': o.start = num(next(), a); break
      case '--count': o.count = num(next(), a); break
      case '--kinds': o.kinds = list(next(), KINDS, 'kind'); break
      case '--without': for (const f of list(next(), FEATURES, 'feature')) o.features.delete(f); break
      case '--only-features': o.features = new Set(list(next(), FEATURES, 'feature')); break
      case '--gc': o.gc = next(); if (!['on', 'off', 'mixed'].includes(o.gc)) throw new Error('--gc is on, off or mixed'); break
      case '--max-ops': o.maxOps = num(next(), a); break
      case '--max-clients': o.maxClients = num(next(), a); break
      case '--pretty': o.pretty = true; break
      case '--help': case '-h':
        process.stdout.write(`usage: fuzz.mjs [--seed N] [--start I] [--count N] [--kinds ${KINDS.join(',')}]\n` +
          `  [--without ${FEATURES.join(',')}] [--only-features ...] [--gc on|off|mixed] [--max-ops N] [--max-clients N] [--pretty]\n`)
        process.exit(0)
        break
      default: throw new Error(`unknown argument ${a}`)
    }
  }
  if (o.kinds.length === 0) throw new Error('--kinds is empty')
  return o
}

let opts
try {
  opts = parseArgs(process.argv.slice(2))
} catch (e) {
  process.stderr.write(`fuzz.mjs: ${e.message}\n`)
  process.exit(2)
}

// Write with back-pressure so a slow reader (the C# test) never makes node buffer everything.
const write = (line) => new Promise(resolve => { if (process.stdout.write(line)) resolve(); else process.stdout.once('drain', resolve) })

for (let i = opts.start; i < opts.start + opts.count; i++) {
  const seed = scenarioSeed(opts.seed, i)
  const s = generateScenario(seed, opts)
  const record = Object.assign({ index: i, runSeed: opts.seed }, s)
  await write((opts.pretty ? JSON.stringify(record, null, 2) : JSON.stringify(record)) + '\n')
}
