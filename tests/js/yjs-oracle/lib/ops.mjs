// Random edits on every kind of shared type. Each function takes a prng and a context
// `cx = { features, surrogates }` and performs one edit with the public yjs API.

import * as Y from 'yjs'
import * as prng from 'lib0/prng'

const WIDE = ['😀', '👍🏽', '中文', 'ありがとう', 'é', 'e\u0301', '🇩🇪', '👩‍💻', 'Ω', '𝄞', '\n', '\t', '\u0000', '"<&>\'']
const MARKS = [
  { bold: true }, { italic: true }, { bold: null }, { italic: null }, { color: '#c00' }, { color: '#0c0' },
  { link: { href: 'https://example.invalid/a', target: null } }, { header: 1 }, { header: 2 }, { header: null },
  { bold: true, italic: true }, { code: true, bold: null }, { size: 1.5 }, { list: ['a', 1] }
]
const KEYS = ['a', 'b', 'c', 'key', 'with space', 'ключ', '10', '2', 'emoji😀', '']
const NODE_NAMES = ['p', 'div', 'span', 'strong', 'h1', 'custom-node']
const ATTR_NAMES = ['class', 'id', 'style', 'data-x']

export function randomText (gen, cx) {
  if (cx.features.unicode && prng.int32(gen, 0, 3) === 0) {
    let s = ''
    for (let i = prng.int32(gen, 1, 3); i > 0; i--) s += prng.oneOf(gen, WIDE)
    return s
  }
  return prng.word(gen, 1, prng.int32(gen, 0, 9) === 0 ? 40 : 6)
}

// yjs accepts `undefined` and bigint as map values and inside JSON values, not as array elements.
export function randomValue (gen, cx, depth = 0, inArray = false) {
  switch (prng.int32(gen, 0, 15)) {
    case 0: return prng.int32(gen, -100, 100)
    case 1: return prng.int32(gen, -2147483648, 2147483647)
    case 2: return prng.uint32(gen, 0, 4294967295) * 4 // beyond 32 bits: written as float64
    case 3: return prng.real53(gen) * 1000 - 500
    case 4: return [0.5, -0.25, 1e-7, 1e300, -0, NaN, Infinity, -Infinity][prng.int32(gen, 0, 7)]
    case 5: return prng.word(gen, 0, 8)
    case 6: return randomText(gen, cx)
    case 7: return prng.bool(gen)
    case 8: return null
    case 9: return cx.features.undefined && !inArray ? undefined : null
    case 10: return cx.features.bigint && !inArray ? BigInt(prng.int32(gen, -1e9, 1e9)) * 1000003n : 7
    case 11: return new Uint8Array(Array.from({ length: prng.int32(gen, 0, 5) }, () => prng.int32(gen, 0, 255)))
    case 12:
    case 13: {
      if (depth > 2) return prng.word(gen, 1, 3)
      const o = {}
      for (let i = prng.int32(gen, 0, 3); i > 0; i--) o[prng.oneOf(gen, KEYS)] = randomValue(gen, cx, depth + 1)
      return o
    }
    default: {
      if (depth > 2) return 1
      return Array.from({ length: prng.int32(gen, 0, 3) }, () => randomValue(gen, cx, depth + 1))
    }
  }
}

// JSON-safe values for places where yjs stores JSON (embeds, format attributes are any-encoded too,
// but keep them readable).
const embedValue = (gen) => prng.oneOf(gen, [
  { image: 'img-' + prng.int32(gen, 0, 99) + '.png' }, { formula: 'x^' + prng.int32(gen, 0, 9) }, { video: { src: 'v', w: 3 } }
])

const embedType = (gen) => prng.oneOf(gen, [() => new Y.Map(), () => new Y.Array(), () => new Y.Text('e')])()

/** A new, not yet integrated shared type (or a sub-document) to nest somewhere. */
export function newType (gen, cx) {
  const r = prng.int32(gen, 0, 8)
  switch (r) {
    case 0:
    case 1: return new Y.Map()
    case 2:
    case 3: return new Y.Array()
    case 4: return new Y.Text(prng.bool(gen) ? prng.word(gen, 0, 6) : undefined)
    case 5: return cx.features.subdocs ? new Y.Doc({ guid: 'sub-' + prng.word(gen, 6, 6), meta: prng.bool(gen) ? { m: 1 } : undefined }) : new Y.Map()
    case 6: return new Y.XmlFragment()
    case 7: { const e = new Y.XmlElement(prng.oneOf(gen, NODE_NAMES)); return e }
    default: return new Y.XmlText(prng.word(gen, 0, 5))
  }
}

function textPos (gen, t, cx, max) {
  let p = prng.int32(gen, 0, max)
  if (!cx.surrogates) {
    const s = t.toString()
    while (p > 0 && p < s.length && isLowSurrogate(s.charCodeAt(p))) p--
  }
  return p
}
const isLowSurrogate = (c) => c >= 0xDC00 && c <= 0xDFFF
const mark = (gen) => Object.assign({}, prng.oneOf(gen, MARKS))

// Y.Text#length counts UTF-16 units plus 1 per embed; toString() skips embeds, so positions derived from
// it are approximate. That only matters for the surrogate check, which is best effort by design.
export function textEdit (gen, t, cx) {
  const len = t.length
  const rich = cx.rich
  const r = prng.int32(gen, 0, rich ? 13 : 5)
  if (len > 0 && r <= 1) {
    const p = textPos(gen, t, cx, len - 1)
    let n = prng.int32(gen, 1, Math.min(prng.bool(gen) ? 3 : 20, len - p))
    if (!cx.surrogates && p + n < len && isLowSurrogate(t.toString().charCodeAt(p + n))) n++
    t.delete(p, Math.min(n, len - p))
    return
  }
  if (!rich || r <= 5) { t.insert(textPos(gen, t, cx, len), randomText(gen, cx)); return }
  switch (r) {
    case 6:
    case 7: {
      if (len === 0) break
      const p = textPos(gen, t, cx, len - 1)
      t.format(p, prng.int32(gen, 1, Math.min(20, len - p)), mark(gen))
      return
    }
    case 8:
      t.insertEmbed(textPos(gen, t, cx, len), cx.features.nested && prng.int32(gen, 0, 4) === 0 ? embedType(gen) : embedValue(gen), prng.bool(gen) ? mark(gen) : undefined)
      return
    case 9:
    case 10:
      t.insert(textPos(gen, t, cx, len), randomText(gen, cx), mark(gen))
      return
    case 11:
      if (t instanceof Y.XmlText || prng.bool(gen)) {
        if (prng.bool(gen)) t.setAttribute(prng.oneOf(gen, KEYS), randomValue(gen, cx))
        else t.removeAttribute(prng.oneOf(gen, KEYS))
        return
      }
      break
    case 12: {
      // a small delta: retain, delete, insert with attributes
      const p = textPos(gen, t, cx, len)
      const delta = []
      if (p > 0) delta.push({ retain: p, attributes: prng.bool(gen) ? mark(gen) : undefined })
      if (cx.surrogates && len - p > 0 && prng.bool(gen)) delta.push({ delete: prng.int32(gen, 1, Math.min(3, len - p)) })
      delta.push({ insert: randomText(gen, cx), attributes: prng.bool(gen) ? mark(gen) : undefined })
      t.applyDelta(delta.map(op => { if (op.attributes === undefined) delete op.attributes; return op }))
      return
    }
    default: break
  }
  t.insert(textPos(gen, t, cx, len), randomText(gen, cx), prng.bool(gen) ? mark(gen) : {})
}

export function mapEdit (gen, m, cx) {
  const r = prng.int32(gen, 0, 9)
  const key = prng.oneOf(gen, KEYS)
  if (r <= 1) { m.delete(key); return }
  if (r === 2 && cx.features.nested) { m.set(key, newType(gen, cx)); return }
  if (r === 3 && m.size > 0 && prng.bool(gen)) { m.clear(); return }
  m.set(key, randomValue(gen, cx))
}

export function arrayEdit (gen, a, cx) {
  const len = a.length
  const r = prng.int32(gen, 0, 9)
  if (len > 0 && r <= 2) {
    const p = prng.int32(gen, 0, len - 1)
    a.delete(p, prng.int32(gen, 1, Math.min(5, len - p)))
    return
  }
  const values = Array.from({ length: prng.int32(gen, 1, prng.bool(gen) ? 2 : 6) }, () =>
    cx.features.nested && prng.int32(gen, 0, 6) === 0 ? newType(gen, cx) : randomValue(gen, cx, 0, true))
  if (r === 3) a.push(values)
  else if (r === 4) a.unshift(values)
  else a.insert(prng.int32(gen, 0, len), values)
}

export function xmlEdit (gen, f, cx, containers) {
  const r = prng.int32(gen, 0, 9)
  if (r <= 2 || containers.xmlTexts.length === 0) {
    const parent = prng.oneOf(gen, containers.xmlParents)
    const at = prng.int32(gen, 0, parent.length)
    const k = prng.int32(gen, 0, 9)
    if (k <= 3) parent.insert(at, [new Y.XmlText(randomText(gen, cx))])
    else if (k === 4 && cx.features.hooks) parent.insert(at, [new Y.XmlHook('hook-' + prng.int32(gen, 0, 2))])
    else {
      const el = new Y.XmlElement(prng.oneOf(gen, NODE_NAMES))
      if (prng.bool(gen)) el.setAttribute(prng.oneOf(gen, ATTR_NAMES), prng.word(gen, 0, 5))
      if (prng.bool(gen)) el.insert(0, [new Y.XmlText(prng.word(gen, 1, 4))])
      parent.insert(at, [el])
    }
    return
  }
  if (r === 3 && containers.xmlElements.length > 0) {
    const el = prng.oneOf(gen, containers.xmlElements)
    if (prng.int32(gen, 0, 3) === 0) el.removeAttribute(prng.oneOf(gen, ATTR_NAMES))
    else el.setAttribute(prng.oneOf(gen, ATTR_NAMES), prng.word(gen, 0, 6))
    return
  }
  if (r === 4) {
    const parent = prng.oneOf(gen, containers.xmlParents)
    if (parent.length > 0) {
      const p = prng.int32(gen, 0, parent.length - 1)
      parent.delete(p, prng.int32(gen, 1, Math.min(2, parent.length - p)))
      return
    }
  }
  if (r === 5 && containers.hooks.length > 0) { mapEdit(gen, prng.oneOf(gen, containers.hooks), cx); return }
  textEdit(gen, prng.oneOf(gen, containers.xmlTexts), Object.assign({}, cx, { rich: true }))
}

/** Every live shared type reachable from the given types, by role. */
export function containersOf (types) {
  const c = { texts: [], maps: [], arrays: [], xmlParents: [], xmlElements: [], xmlTexts: [], hooks: [] }
  const visit = (t) => {
    if (!(t instanceof Y.AbstractType)) return
    if (t instanceof Y.XmlText) { c.xmlTexts.push(t); forEmbeds(t, visit); return }
    if (t instanceof Y.Text) { c.texts.push(t); forEmbeds(t, visit); return }
    if (t instanceof Y.XmlHook) { c.hooks.push(t); return }
    if (t instanceof Y.Map) { c.maps.push(t); t.forEach(visit); return }
    if (t instanceof Y.Array) { c.arrays.push(t); t.forEach(visit); return }
    if (t instanceof Y.XmlElement) c.xmlElements.push(t)
    if (t instanceof Y.XmlFragment) { c.xmlParents.push(t); t.toArray().forEach(visit) }
  }
  types.forEach(visit)
  return c
}

function forEmbeds (t, visit) {
  for (const op of t.toDelta()) if (op.insert instanceof Y.AbstractType) visit(op.insert)
}
