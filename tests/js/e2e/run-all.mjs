// Runs every scenario against a server this script starts, restarting it where a scenario needs a restart.
//
//   node e2e/run-all.mjs                      the reference @hocuspocus/server (e2e/reference-server.mjs)
//   node e2e/run-all.mjs --only auth,stateless
//   node e2e/run-all.mjs --server "<command>" any server command; "{data}" is replaced by a fresh data folder
//                                            that survives restarts. The server must print either
//                                            {"listening":"ws://..."} or ASP.NET's "Now listening on: http://...".
//   --yws-path /yws                           where the server serves y-websocket clients (default /yws)
//
// Prints one JSON line per scenario and a summary; exits non-zero when any scenario fails.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const argv = process.argv.slice(2)
const option = (name, fallback) => {
  const index = argv.indexOf('--' + name)
  return index >= 0 && index + 1 < argv.length ? argv[index + 1] : fallback
}
const serverCommand = option('server', `node ${JSON.stringify(path.join(here, 'reference-server.mjs'))} --port 0 --data {data}`)
const ywsPath = option('yws-path', '/yws')
const only = option('only', null)?.split(',')
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'collab-e2e-'))

function startServer () {
  // "exec" makes the shell become the server, so signals reach the server itself.
  const child = spawn('sh', ['-c', 'exec ' + serverCommand.replaceAll('{data}', dataDir)], { stdio: ['ignore', 'pipe', 'pipe'] })
  const output = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not report its address within 30 s:\n' + output.join('\n'))), 30000)
    const onLine = line => {
      output.push(line)
      let url = null
      try { url = JSON.parse(line).listening ?? null } catch {}
      const match = /Now listening on: (http:\/\/\S+)/.exec(line)
      if (match) url = match[1].replace(/^http/, 'ws')
      if (url) {
        clearTimeout(timer)
        resolve({ child, url: url.replace(/\/$/, ''), output })
      }
    }
    readline.createInterface({ input: child.stdout }).on('line', onLine)
    readline.createInterface({ input: child.stderr }).on('line', onLine)
    child.on('exit', code => reject(new Error(`the server exited with ${code}:\n${output.join('\n')}`)))
  })
}

async function stopServer (server) {
  if (server.child.exitCode !== null) return server.child.exitCode
  const exited = new Promise(resolve => server.child.once('exit', code => resolve(code)))
  server.child.kill('SIGTERM')
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 20000)
  const code = await exited
  clearTimeout(timer)
  return code
}

function runScenario (file, server, extra = [], onLine = () => {}) {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [path.join(here, file), '--url', server.url, '--yws-url', server.url + ywsPath, ...extra], { cwd: path.dirname(here), stdio: ['ignore', 'pipe', 'pipe'] })
    const lines = []
    readline.createInterface({ input: child.stdout }).on('line', line => { lines.push(line); onLine(line) })
    readline.createInterface({ input: child.stderr }).on('line', line => lines.push('stderr: ' + line))
    const timer = setTimeout(() => child.kill('SIGKILL'), 90000)
    child.on('exit', code => {
      clearTimeout(timer)
      const result = lines.map(l => { try { return JSON.parse(l) } catch { return null } }).filter(r => r && 'ok' in r).pop()
      resolve({ code, result: result ?? { ok: false, error: 'no result line', output: lines.slice(-20) } })
    })
  })
}

const simple = ['sync-all-types', 'shared-socket', 'session-awareness', 'document-names', 'awareness', 'stateless', 'auth', 'readonly', 'offline-edits', 'late-joiner', 'large-document', 'mixed-clients', 'ywebsocket-access', 'many-clients', 'load-failure', 'idle-keepalive']
const results = []
let server = await startServer()
try {
  for (const name of simple) {
    if (only && !only.includes(name)) continue
    const { result } = await runScenario(name + '.mjs', server)
    results.push(result)
    console.log(JSON.stringify(result))
  }

  if (!only || only.includes('persistence')) {
    const doc = `persistence-${Date.now()}`
    const write = await runScenario('persistence.mjs', server, ['--phase', 'write', '--doc', doc])
    let result = write.result
    if (result.ok) {
      await stopServer(server)
      server = await startServer()
      result = (await runScenario('persistence.mjs', server, ['--phase', 'read', '--doc', doc])).result
    }
    results.push(result)
    console.log(JSON.stringify(result))
  }

  if (!only || only.includes('graceful-shutdown')) {
    const doc = `graceful-${Date.now()}`
    let stopping = null
    const current = server
    const write = await runScenario('graceful-shutdown.mjs', server, ['--phase', 'write', '--doc', doc], line => {
      if (line.includes('"phase":"edited"')) stopping = stopServer(current)
    })
    let result = write.result
    const exitCode = stopping ? await stopping : null
    if (result.ok && exitCode !== 0) result = { scenario: 'graceful-shutdown', ok: false, error: `the server exited with ${exitCode} after SIGTERM` }
    if (result.ok) {
      server = await startServer()
      result = (await runScenario('graceful-shutdown.mjs', server, ['--phase', 'read', '--doc', doc])).result
    }
    results.push(result)
    console.log(JSON.stringify(result))
  }
} finally {
  await stopServer(server)
  fs.rmSync(dataDir, { recursive: true, force: true })
}

const failed = results.filter(r => !r.ok)
console.log(JSON.stringify({ summary: { passed: results.length - failed.length, failed: failed.map(r => r.scenario) } }))
process.exit(failed.length === 0 ? 0 : 1)
