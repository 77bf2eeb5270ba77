namespace Collab.Tests.Yjs;

/// <summary>The JavaScript side of <see cref="LocalEditDifferentialTests"/>: random local edits on two yjs documents.</summary>
internal static class LocalEditScript
{
    public const string Source = """
import * as Y from 'yjs'
const seeds = JSON.parse(process.argv[1])
let rnd
const mulberry = a => () => { a |= 0; a = a + 0x6D2B79F5 | 0; let t = Math.imul(a ^ a >>> 15, 1 | a); t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t; return ((t ^ t >>> 14) >>> 0) / 4294967296 }
const int = n => Math.floor(rnd() * n)
const pick = a => a[int(a.length)]
const word = () => { const n = 1 + int(4); let s = ''; for (let i = 0; i < n; i++) s += pick(['a','b','c','d','é','😀','\n',' ']); return s }
const attrsPoolShared = [null, {}, { bold: true }, { italic: true }, { bold: null }, { color: '#f00' }, { bold: true, italic: true }, { link: { href: 'x' } }]
const attrsPool = { filter: f => attrsPoolShared.filter(f).map(a => structuredClone(a)) }
const pickAttrs = () => structuredClone(pick(attrsPoolShared))
const valuePool = () => pick([1, 2.5, -0, 'str', true, null, [1, 'a'], { k: 1, 2: 'x' }, new Uint8Array([1, 2])])
const out = []
for (const seed of seeds) {
  rnd = mulberry(seed)
  const docs = [new Y.Doc({ gc: seed % 3 !== 0 }), new Y.Doc({ gc: seed % 3 !== 0 })]
  docs[0].clientID = 1; docs[1].clientID = 2
  const emitted = [[], []]
  const emitted2 = [[], []]
  const queue = [[], []]
  docs.forEach((d, i) => d.on('updateV2', (u, origin) => { if (origin !== 'remote') emitted2[i].push(Buffer.from(u).toString('base64')) }))
  docs.forEach((d, i) => d.on('update', (u, origin) => { if (origin !== 'remote') { emitted[i].push(Buffer.from(u).toString('base64')); queue[1 - i].push(u) } }))
  const steps = []
  const events = [[], []]
  if (seed % 2 === 0) {
    docs.forEach((d, i) => {
      d.getText('t').observe(e => events[i].push('t ' + JSON.stringify(e.delta)))
      d.getArray('a').observe(e => events[i].push('a ' + JSON.stringify(e.delta)))
      d.getMap('m').observe(e => events[i].push('m ' + JSON.stringify([...e.keys.entries()].sort((x, y) => x[0] < y[0] ? -1 : 1))))
    })
  }
  const target = (d, path) => path.length === 1 ? ({ t: d.getText('t'), m: d.getMap('m'), a: d.getArray('a'), x: d.getXmlFragment('x') })[path[0]] : d.getMap('m').get(path[1])
  for (let s = 0; s < 120; s++) {
    const c = int(2)
    if (rnd() < 0.25 && queue[c].length > 0) {
      const n = 1 + int(queue[c].length)
      for (const u of queue[c].splice(0, n)) { Y.applyUpdate(docs[c], u, 'remote'); steps.push({ c, apply: Buffer.from(u).toString('base64') }) }
      continue
    }
    const d = docs[c]
    const m = d.getMap('m')
    const nested = [...m.keys()].filter(k => m.get(k) instanceof Y.AbstractType)
    const kind = pick(['t', 't', 't', 'm', 'a', 'x', 'n'])
    let op = null
    if (kind === 't' || (kind === 'n' && nested.length > 0 && m.get(nested[0]) instanceof Y.Text)) {
      const path = kind === 't' ? ['t'] : ['m', nested[0]]
      const t = target(d, path)
      const len = t.length
      const r = int(7)
      if (r === 6) {
        const i = int(len + 1)
        const delta = i > 0 ? [{ retain: i, attributes: pick([undefined, { bold: true }, { italic: null }]) }] : []
        delta.push({ insert: word(), attributes: pickAttrs() ?? undefined })
        if (rnd() < 0.5 && i < len) delta.push({ delete: 1 })
        op = ['applyDelta', path, JSON.parse(JSON.stringify(delta))]
      } else if (r <= 1 || len === 0) { const attrs = pickAttrs(); op = ['insert', path, int(len + 1), word(), attrs] }
      else if (r === 2) { const i = int(len); op = ['delete', path, i, 1 + int(Math.min(3, len - i))] }
      else if (r === 3) { const i = int(len); op = ['format', path, i, 1 + int(len - i + 2), pick(attrsPool.filter(a => a !== null))] }
      else if (r === 4) { op = ['insertEmbed', path, int(len + 1), { image: 'i' + int(9) }, pickAttrs()] }
      else { op = ['setAttribute', path, pick(['lang', 'dir']), pick(['en', 'de', null])] }
    } else if (kind === 'm') {
      const r = int(5)
      if (r === 0) op = ['mapDelete', ['m'], pick(['k1', 'k2', 'k3', 'sub'])]
      else if (r === 1) op = ['mapSetType', ['m'], pick(['sub', 'k4']), pick(['text', 'map', 'array'])]
      else op = ['mapSet', ['m'], pick(['k1', 'k2', 'k3']), valuePool()]
    } else if (kind === 'a' || kind === 'n') {
      const a = d.getArray('a')
      const r = int(5)
      if (r === 4) op = ['arrayInsertType', ['a'], int(a.length + 1), pick(['map', 'array', 'text'])]
      else if (r === 0 && a.length > 0) { const i = int(a.length); op = ['arrayDelete', ['a'], i, 1 + int(Math.min(2, a.length - i))] }
      else if (r === 1) op = ['arrayPush', ['a'], [valuePool(), valuePool()]]
      else op = ['arrayInsert', ['a'], int(a.length + 1), [valuePool()]]
    } else {
      const x = d.getXmlFragment('x')
      const r = int(3)
      if (r === 0 && x.length > 0) op = ['xmlDelete', ['x'], int(x.length)]
      else if (r === 1) op = ['xmlInsertText', ['x'], int(x.length + 1), word()]
      else op = ['xmlInsertElement', ['x'], int(x.length + 1), pick(['p', 'h1']), pick(['a', 'b'])]
    }
    const before = emitted[c].length
    const before2 = emitted2[c].length
    const recorded = encodeOp(op)
    apply(d, op)
    steps.push({ c, op: recorded, emitted: emitted[c].slice(before), emittedV2: emitted2[c].slice(before2) })
  }
  out.push({ seed, gc: seed % 3 !== 0, events, steps, final: docs.map(d => Buffer.from(Y.encodeStateAsUpdate(d)).toString('base64')), json: docs.map(d => ({ t: d.getText('t').toDelta(), m: d.getMap('m').toJSON(), a: d.getArray('a').toJSON(), x: d.getXmlFragment('x').toString() })) })
  function apply (d, op) {
    const [name, path, ...args] = op
    const t = target(d, path)
    switch (name) {
      case 'insert': return args[2] === null ? t.insert(args[0], args[1]) : t.insert(args[0], args[1], args[2])
      case 'delete': return t.delete(args[0], args[1])
      case 'format': return t.format(args[0], args[1], args[2])
      case 'insertEmbed': return args[2] === null ? t.insertEmbed(args[0], args[1]) : t.insertEmbed(args[0], args[1], args[2])
      case 'setAttribute': return t.setAttribute(args[0], args[1])
      case 'mapDelete': return t.delete(args[0])
      case 'mapSetType': return t.set(args[0], args[1] === 'text' ? new Y.Text('init') : args[1] === 'map' ? new Y.Map() : new Y.Array())
      case 'mapSet': return t.set(args[0], args[1])
      case 'arrayDelete': return t.delete(args[0], args[1])
      case 'arrayPush': return t.push(args[0])
      case 'arrayInsert': return t.insert(args[0], args[1])
      case 'applyDelta': return t.applyDelta(args[0])
      case 'arrayInsertType': {
        const v = args[1] === 'map' ? new Y.Map() : args[1] === 'array' ? new Y.Array() : new Y.Text('pre')
        if (v instanceof Y.Map) v.set('k', 1)
        if (v instanceof Y.Array) v.push([1, 2])
        return t.insert(args[0], [v])
      }
      case 'xmlDelete': return t.delete(args[0], 1)
      case 'xmlInsertText': return t.insert(args[0], [new Y.XmlText(args[1])])
      case 'xmlInsertElement': { const e = new Y.XmlElement(args[1]); e.setAttribute('k', args[2]); return t.insert(args[0], [e]) }
    }
  }
}
function encodeOp (op) { return JSON.stringify(op, (k, v) => v instanceof Uint8Array ? { $binary: Buffer.from(v).toString('base64') } : (Object.is(v, -0) ? { $float: '-0' } : v)) }
process.stdout.write(JSON.stringify(out))
""";
}
