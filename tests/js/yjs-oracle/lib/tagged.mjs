// Tagged JSON: plain JSON where it can carry the value, one-key `$tag` objects where it cannot.
// The tags are the ones documented in testdata/yjs-vectors/README.md so that one C# comparer
// serves both the vectors and this oracle.

import * as Y from 'yjs'

export const base64 = (bytes) => Buffer.from(bytes).toString('base64')

export function kindOf (type) {
  if (type instanceof Y.XmlText) return 'xmltext'
  if (type instanceof Y.Text) return 'text'
  if (type instanceof Y.XmlHook) return 'xmlhook'
  if (type instanceof Y.Map) return 'map'
  if (type instanceof Y.Array) return 'array'
  if (type instanceof Y.XmlElement) return 'xmlelement'
  if (type instanceof Y.XmlFragment) return 'xmlfragment'
  return 'abstract'
}

/** A value as returned by a yjs getter, as tagged JSON; shared types become `{$type}` or a deep dump. */
export function tagged (value, deepTypes = false) {
  if (value === undefined) return { $undefined: true }
  if (value === null) return null
  switch (typeof value) {
    case 'number':
      if (Object.is(value, -0)) return { $float: '-0' }
      return Number.isFinite(value) ? value : { $float: String(value) }
    case 'bigint': return { $bigint: value.toString() }
    case 'string':
    case 'boolean': return value
    case 'object': {
      if (value instanceof Uint8Array) return { $binary: base64(value) }
      if (Array.isArray(value)) return value.map(v => tagged(v, deepTypes))
      if (value instanceof Y.Doc) return { $doc: { guid: value.guid } }
      if (value instanceof Y.AbstractType) return deepTypes ? deepDump(value) : { $type: kindOf(value) }
      const out = {}
      for (const key of Object.keys(value)) {
        if (key.startsWith('$')) throw new Error(`object key ${key} collides with the tagged JSON tags`)
        out[key] = tagged(value[key], deepTypes)
      }
      return out
    }
    default: return { $undefined: true }
  }
}

const deepValue = (v) => (v instanceof Y.AbstractType ? deepDump(v) : tagged(v, true))

const subdoc = (item, doc) => ({ $doc: { guid: doc.guid, opts: tagged(item.content.opts) } })

// The value of a key is the last element of the content of the key's current item (yjs typeMapGet).
function entries (type) {
  const out = {}
  type._map.forEach((item, key) => {
    if (item.deleted) return
    const content = item.content.getContent()
    const v = content[item.length - 1]
    out[key] = v instanceof Y.Doc ? subdoc(item, v) : deepValue(v)
  })
  return out
}

export function deltaOp (op) {
  const out = {}
  if (op.insert !== undefined) out.insert = typeof op.insert === 'string' ? op.insert : deepValue(op.insert)
  if (op.retain !== undefined) out.retain = op.retain
  if (op.delete !== undefined) out.delete = op.delete
  if (op.attributes !== undefined) out.attributes = tagged(op.attributes, true)
  return out
}

/** A type-preserving dump of a shared type, in the `deep` format of the vectors README. */
export function deepDump (type) {
  const kind = kindOf(type)
  switch (kind) {
    case 'text':
    case 'xmltext': {
      const res = { $type: kind, delta: type.toDelta().map(deltaOp) }
      const attrs = entries(type)
      if (Object.keys(attrs).length > 0) res.attrs = attrs
      return res
    }
    case 'map': return { $type: 'map', entries: entries(type) }
    case 'xmlhook': return { $type: 'xmlhook', hookName: type.hookName, entries: entries(type) }
    case 'array': {
      const items = []
      for (let item = type._start; item !== null; item = item.right) {
        if (item.deleted || !item.countable) continue
        for (const v of item.content.getContent()) items.push(v instanceof Y.Doc ? subdoc(item, v) : deepValue(v))
      }
      return { $type: 'array', items }
    }
    case 'xmlelement':
      return { $type: 'xmlelement', nodeName: type.nodeName, attrs: entries(type), children: type.toArray().map(deepValue) }
    case 'xmlfragment':
      return { $type: 'xmlfragment', children: type.toArray().map(deepValue) }
    default: return { $type: 'abstract' }
  }
}

export function rootOf (doc, name, kind) {
  switch (kind) {
    case 'text': return doc.getText(name)
    case 'map': return doc.getMap(name)
    case 'array': return doc.getArray(name)
    case 'xmlFragment': return doc.getXmlFragment(name)
    case 'xmlElement': return doc.getXmlElement(name)
    default: throw new Error('unknown root kind ' + kind)
  }
}

/** What the receiver's public API returns for one root. */
export function rootResult (doc, name, kind) {
  const t = rootOf(doc, name, kind)
  const res = { type: kind }
  if (kind === 'text') {
    res.toString = t.toString()
    res.toDelta = t.toDelta().map(deltaOp)
  } else if (kind === 'xmlFragment' || kind === 'xmlElement') {
    res.toString = t.toString()
  } else {
    res.toJSON = tagged(t.toJSON())
  }
  res.deep = deepDump(t)
  return res
}
