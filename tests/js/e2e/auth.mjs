// Tokens accepted and rejected: the valid token (--valid-token, default "valid-token") is authenticated read-write,
// the read-only one (--readonly-token, default "readonly-token") read-only, a wrong (--invalid-token), malformed
// or empty token gets onAuthenticationFailed and never any document content; a rejected document on a shared
// socket does not disturb an accepted one on the same socket.

import { scenario, run, step, provider, socket, synced, waitFor, sleep, check, tokens } from './lib.mjs'

const { url, doc: name } = scenario('auth')

run(async () => {
  step('a writer puts content in the document')
  const writer = provider({ url, name, token: tokens.valid })
  await synced(writer)
  check(writer.events.authenticated === 'read-write', 'valid-token scope: ' + writer.events.authenticated)
  check(writer.authorizedScope === 'read-write', 'authorizedScope: ' + writer.authorizedScope)
  writer.document.getText('text').insert(0, 'secret content')

  step('a read-only token is accepted with scope readonly')
  const reader = provider({ url, name, token: tokens.readonly })
  await synced(reader)
  check(reader.events.authenticated === 'readonly', 'readonly-token scope: ' + reader.events.authenticated)
  await waitFor('the reader to receive the content', () => reader.document.getText('text').toString() === 'secret content')

  step('wrong, empty and function-provided wrong tokens are rejected')
  const wrong = provider({ url, name, token: tokens.invalid })
  const garbage = provider({ url, name, token: 'not-a-token' })
  const empty = provider({ url, name, token: '' })
  const fromFunction = provider({ url, name, token: async () => 'also-wrong' })
  for (const p of [wrong, garbage, empty, fromFunction]) {
    await waitFor(`authenticationFailed for token ${JSON.stringify(p.configuration.token)}`, () => p.events.authenticationFailed !== null)
    check(typeof p.events.authenticationFailed === 'string' && p.events.authenticationFailed.length > 0, 'empty reason')
    check(p.events.authenticated === null && !p.isAuthenticated, 'rejected provider is authenticated')
  }

  step('a function-provided valid token is accepted')
  const functionToken = provider({ url, name, token: async () => tokens.valid })
  await synced(functionToken)

  step('on one shared socket, a rejected document does not disturb an accepted one')
  const shared = socket(url)
  const denied = provider({ name: name + '-denied', token: 'nope', websocketProvider: shared })
  const allowed = provider({ name, token: tokens.valid, websocketProvider: shared })
  await synced(allowed)
  await waitFor('the denied provider to fail', () => denied.events.authenticationFailed !== null)
  writer.document.getText('text').insert(0, 'more ')
  await waitFor('the allowed provider on the shared socket to receive live updates', () => allowed.document.getText('text').toString() === 'more secret content')

  await sleep(300)
  for (const p of [wrong, garbage, empty, fromFunction, denied]) {
    check(p.document.getText('text').toString() === '', 'a rejected provider received content')
    check(!p.isSynced, 'a rejected provider is synced')
  }
  const reasons = [wrong, garbage, empty, fromFunction, denied].map(p => p.events.authenticationFailed)
  for (const p of [writer, reader, wrong, garbage, empty, fromFunction, functionToken, denied, allowed]) p.destroy()
  shared.destroy()
  return { reasons }
})
