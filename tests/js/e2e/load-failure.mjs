// A document that fails to load (the server's load hook rejects names starting with "unloadable" with the reason
// "load-failed") is reported to the provider as onAuthenticationFailed with that reason, and the provider gets no
// content; another document on the same socket is unaffected, and a second attempt fails the same way (the failed
// document was not kept).

import { scenario, run, step, provider, socket, synced, waitFor, check } from './lib.mjs'

const { url, doc: base } = scenario('load-failure')

run(async () => {
  step('one socket: a document that cannot load and one that can')
  const shared = socket(url)
  const broken = provider({ name: 'unloadable-' + base, websocketProvider: shared })
  const fine = provider({ name: base, websocketProvider: shared })
  await waitFor('the unloadable document to be denied', () => broken.events.authenticationFailed !== null)
  check(broken.events.authenticationFailed === 'load-failed', 'reason ' + JSON.stringify(broken.events.authenticationFailed))
  check(!broken.isSynced, 'the unloadable document synced')
  await synced(fine)

  step('the other document on the socket works')
  const other = provider({ url, name: base })
  await synced(other)
  fine.document.getText('text').insert(0, 'still fine')
  await waitFor('the edit to reach another client', () => other.document.getText('text').toString() === 'still fine')

  step('a second attempt fails the same way')
  const again = provider({ url, name: 'unloadable-' + base })
  await waitFor('the second attempt to be denied', () => again.events.authenticationFailed !== null)
  check(again.events.authenticationFailed === 'load-failed', 'reason ' + JSON.stringify(again.events.authenticationFailed))
  for (const p of [broken, fine, other, again]) p.destroy()
  shared.destroy()
  return { reason: broken.events.authenticationFailed }
})
