// The collaborative editor page: Tiptap (StarterKit, Collaboration, CollaborationCaret) on a Yjs document that an
// unmodified @hocuspocus/provider keeps in sync with the SyncServer that served this page.
//
// Query string: ?doc=<document name> (default "welcome"), ?name=<your name> and ?color=<#rrggbb> (default: random per
// tab, kept for the tab's life), ?token=<JWT> when the server requires authentication.
import { Editor } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { Placeholder } from "@tiptap/extensions";
import { HocuspocusProvider } from "@hocuspocus/provider";
import * as Y from "yjs";

const NAMES = ["Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances", "Grace", "Hedy", "John", "Katherine", "Leslie", "Margaret", "Niklaus", "Radia", "Tim"];
const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#008080", "#f032e6", "#9a6324", "#800000", "#000075"];
const DEFAULT_DOCUMENT = "welcome";

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);

/** The user shown to others: ?name= / ?color= win, otherwise a random pick kept for this tab (sessionStorage). */
function currentUser() {
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  let stored = null;
  try {
    stored = JSON.parse(sessionStorage.getItem("collab-user") ?? "null");
  } catch {
    stored = null;
  }
  const user = {
    name: stored?.name ?? `${pick(NAMES)} ${Math.floor(Math.random() * 90) + 10}`,
    color: stored?.color ?? pick(COLORS),
  };
  try {
    sessionStorage.setItem("collab-user", JSON.stringify(user));
  } catch {
    // storage may be unavailable (private mode): the pick then lasts until reload
  }
  const name = params.get("name")?.trim();
  const color = params.get("color")?.trim();
  return {
    name: name ? name.slice(0, 60) : user.name,
    color: color && /^#[0-9a-f]{6}$/i.test(color) ? color : user.color,
  };
}

/** The page's own address with other query parameters changed (the name, colour and token carry over). */
function pageUrl(changes) {
  const next = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) next.delete(key);
    else next.set(key, value);
  }
  return `${location.pathname}?${next}`;
}

/**
 * The Hocuspocus endpoint, resolved against this page's address (ws/wss like the page): the host and any path prefix a
 * proxy in front serves the server under carry over.
 */
function providerUrl(config) {
  const url = new URL(config.hocuspocus, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.search = "";
  url.hash = "";
  return url.href;
}

function setConnection(state, text) {
  const badge = $("connection");
  badge.dataset.state = state;
  badge.textContent = text;
  $("toggle-connection").textContent = state === "offline" ? "Go online" : "Go offline";
}

function setSaved(unsynced) {
  const saved = $("saved");
  saved.dataset.state = unsynced > 0 ? "saving" : "saved";
  saved.textContent = unsynced > 0 ? "Saving…" : "All changes saved";
}

function renderUsers(provider) {
  const list = $("users");
  list.replaceChildren();
  const states = [...provider.awareness.getStates().entries()].filter(([, state]) => state?.user?.name);
  states.sort(([a], [b]) => (a === provider.document.clientID ? -1 : b === provider.document.clientID ? 1 : a - b));
  for (const [clientId, state] of states) {
    const item = document.createElement("li");
    item.className = "user";
    item.dataset.clientId = String(clientId);
    const dot = document.createElement("span");
    dot.className = "user-colour";
    dot.style.backgroundColor = /^#[0-9a-f]{6}$/i.test(state.user.color ?? "") ? state.user.color : "#888";
    const name = document.createElement("span");
    name.className = "user-name";
    name.textContent = state.user.name;
    item.append(dot, name);
    if (clientId === provider.document.clientID) {
      item.classList.add("me");
      const you = document.createElement("span");
      you.className = "user-you";
      you.textContent = "(you)";
      item.append(you);
    }
    list.append(item);
  }
  $("user-count").textContent = String(states.length || 1);
}

async function loadDocuments(config, current, token) {
  const select = $("documents");
  let names = [];
  try {
    // null when the server does not list documents: the picker then offers the current one
    const response = config.documents && await fetch(config.documents, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (response?.ok) {
      names = (await response.json()).map((d) => d.name);
    }
  } catch {
    // the picker still offers the current document
  }
  if (!names.includes(current)) names.push(current);
  names.sort((a, b) => a.localeCompare(b));
  const shown = [...select.options].map((option) => option.value);
  if (shown.length === names.length && shown.every((name, i) => name === names[i])) {
    return; // unchanged: leave the list (and an open drop-down) alone
  }
  const chosen = select.value || current;
  select.replaceChildren(...names.map((name) => new Option(name, name, false, name === chosen)));
}

async function main() {
  const config = await (await fetch("config.json")).json();
  const documentName = params.get("doc")?.trim() || DEFAULT_DOCUMENT;
  if (params.get("doc") !== documentName) {
    history.replaceState(null, "", pageUrl({ doc: documentName }));
  }
  const token = params.get("token") ?? "";
  const me = currentUser();
  document.title = `${documentName} · Collab`;
  $("document-title").textContent = documentName;

  const ydoc = new Y.Doc();
  const provider = new HocuspocusProvider({
    url: providerUrl(config),
    // the address as resolved ("/prefix/", not "/prefix"): a proxy's prefix location may match only with the slash
    preserveTrailingSlash: true,
    name: documentName,
    document: ydoc,
    token,
  });

  setConnection("connecting", "Connecting…");
  setSaved(0);
  let online = true;
  provider.on("status", ({ status }) => {
    if (!online) {
      setConnection("offline", "Offline");
    } else if (status === "connected") {
      setConnection("connected", "Connected");
    } else if (status === "connecting") {
      setConnection("connecting", "Connecting…");
    } else {
      setConnection("disconnected", "Disconnected — reconnecting");
    }
  });
  provider.on("synced", ({ state }) => {
    $("editor").dataset.synced = String(state);
  });
  provider.on("unsyncedChanges", ({ number }) => setSaved(number));
  provider.on("authenticationFailed", ({ reason }) => setConnection("denied", `Access denied: ${reason}`));
  provider.on("awarenessChange", () => renderUsers(provider));

  const editor = new Editor({
    element: $("editor"),
    extensions: [
      // Yjs keeps the history of a collaborative document: the StarterKit's own undo/redo must be off
      StarterKit.configure({ undoRedo: false }),
      Collaboration.configure({ document: ydoc }),
      CollaborationCaret.configure({ provider, user: me }),
      Placeholder.configure({ placeholder: "Start typing…" }),
    ],
    editorProps: { attributes: { class: "document", spellcheck: "false", "aria-label": `Document ${documentName}` } },
  });
  renderUsers(provider);

  $("toggle-connection").addEventListener("click", () => {
    online = !online;
    if (online) {
      setConnection("connecting", "Connecting…");
      provider.connect();
    } else {
      provider.disconnect();
      setConnection("offline", "Offline");
    }
  });

  // the provider retries with a growing delay; when the network comes back, try at once
  window.addEventListener("online", () => {
    if (online) provider.connect();
  });

  const select = $("documents");
  select.addEventListener("change", () => {
    location.assign(pageUrl({ doc: select.value }));
  });
  select.addEventListener("focus", () => loadDocuments(config, documentName, token));
  $("new-document").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = new FormData(event.target).get("name")?.toString().trim();
    if (name) location.assign(pageUrl({ doc: name }));
  });
  await loadDocuments(config, documentName, token);

  // for the console and for tests: the editor and provider of this page
  window.collab = { editor, provider, user: me, documentName };
  document.body.dataset.ready = "true";
}

main().catch((error) => {
  console.error(error);
  setConnection("error", `The editor failed to start: ${error.message ?? error}`);
});
