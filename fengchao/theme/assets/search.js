// fengchao search page: our own small UI over Pagefind's JS API.
//
// Loaded only by /search/ (as a module, so old browsers without modules skip
// it and keep the plain links the page already shows). Pagefind itself —
// pagefind.js, its worker, WebAssembly and index chunks — is imported only
// when there is something to search for. No inline styles or scripts: the
// page must work under `script-src 'self'; style-src 'self'` (plus
// 'wasm-unsafe-eval', which Pagefind's WebAssembly needs; see docs/search.md).

const PAGE_SIZE = 10;
const HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu;
const HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
const WORDY = /[\p{L}\p{N}]/u;
const DEBOUNCE_MS = 250;
const FILTERS = ["type", "district", "amenity"];

const form = document.getElementById("search-form");
if (form) {
  setUp(form);
}

function setUp(form) {
  // The wording comes with the page (data-text, from the strings file): none is written here.
  let T = null;
  try {
    T = JSON.parse(form.dataset.text);
  } catch {
    return; // an old template without it: the page's plain links stay
  }
  const say = (name, values) => T[name].replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));
  const input = form.elements.q;
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const help = document.getElementById("search-help");
  const noJs = document.getElementById("search-nojs");
  const more = document.getElementById("search-more");
  const filterBox = document.getElementById("search-filters");
  let pagefind = null;
  let hits = [];
  let latest = 0;
  let timer = 0;

  // Filters only make sense with JavaScript; the state lives in the URL so a
  // search can be shared, reloaded and left with the back button.
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const name of FILTERS) {
    form.elements[name].value = params.get(name) || "";
  }
  filterBox.hidden = false;
  filterBox.open = FILTERS.some((name) => form.elements[name].value);
  noJs.textContent = T.js_search_browse;

  async function load() {
    if (!pagefind) {
      pagefind = await import(form.dataset.bundle + "pagefind.js");
      // A longer window than shown: excerptNodes starts it at a sentence.
      await pagefind.options({ baseUrl: form.dataset.base, excerptLength: 48 });
    }
    return pagefind;
  }

  function chosenFilters() {
    const filters = {};
    for (const name of FILTERS) {
      const value = form.elements[name].value;
      if (value) filters[name] = value;
    }
    return filters;
  }

  function remember(query, filters) {
    const next = new URLSearchParams();
    if (query) next.set("q", query);
    for (const [name, value] of Object.entries(filters)) next.set(name, value);
    const text = next.toString();
    history.replaceState(null, "", text ? "?" + text : location.pathname);
  }

  async function run() {
    const query = input.value.trim();
    const filters = chosenFilters();
    const ticket = ++latest;
    remember(query, filters);
    more.hidden = true;
    if (!query && !Object.keys(filters).length) {
      list.replaceChildren();
      status.textContent = "";
      help.hidden = false;
      return;
    }
    status.textContent = T.js_search_searching;
    let found;
    try {
      const api = await load();
      const all = await searchAll(api, query, filters);
      found = { all, total: all.length, items: await Promise.all(all.slice(0, PAGE_SIZE).map((r) => r.data())) };
    } catch (error) {
      if (ticket !== latest) return;
      list.replaceChildren();
      console.error("fengchao search:", error);
      status.textContent = T.js_search_failed;
      help.hidden = false;
      return;
    }
    if (ticket !== latest) return; // a newer search already answered
    hits = found.all;
    list.replaceChildren(...found.items.map(resultItem));
    more.hidden = hits.length <= PAGE_SIZE;
    help.hidden = found.total > 0;
    const label = query ? say("js_search_query", { query }) : T.js_search_filters_only;
    const foundKey = found.total > PAGE_SIZE ? "js_search_found_many" : "js_search_found";
    status.textContent = found.total ? say(foundKey, { count: found.total, query: label }) : say("js_search_none", { query: label });
  }

  // Only the shown results' fragments are fetched; more on request.
  more.addEventListener("click", async () => {
    const ticket = latest;
    const shown = list.children.length;
    const next = await Promise.all(hits.slice(shown, shown + PAGE_SIZE).map((r) => r.data()));
    if (ticket !== latest) return;
    list.append(...next.map(resultItem));
    more.hidden = list.children.length >= hits.length;
    list.children[shown]?.querySelector("a")?.focus();
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  for (const name of FILTERS) {
    form.elements[name].addEventListener("change", run);
  }
  if (input.value || Object.keys(chosenFilters()).length) run();
}

// The index holds one word per Han character (fengchao/search.py). A
// Chinese run of two or more characters in the query must match as an exact
// phrase of its characters — 骑手 finds 外卖骑手, but not a page with 骑 and
// 手 apart. Pagefind returns phrase matches unscored, so the order comes from
// a second, loose search for the same characters (BM25, title weight
// included) and the phrase searches decide which pages qualify. Latin words
// and numbers are left to Pagefind's own matching.
export function queryTerms(query) {
  const terms = [];
  for (const word of query.split(/\s+/)) {
    for (const run of word.match(HAN_RUN) || []) {
      if (HAN.test(run)) {
        terms.push({ text: Array.from(run).join(" "), phrase: run.length > 1 });
      } else if (WORDY.test(run)) {
        terms.push({ text: run, phrase: false });
      }
    }
  }
  return terms;
}

async function searchAll(api, query, filters) {
  const terms = queryTerms(query);
  if (!terms.length) {
    // No words but filters: list everything that matches the filters.
    return (await api.search(null, { filters })).results;
  }
  const phrases = terms.filter((term) => term.phrase);
  const [ranked, ...exact] = await Promise.all([
    api.search(terms.map((term) => term.text).join(" "), { filters }),
    ...phrases.map((term) => api.search('"' + term.text + '"', { filters })),
  ]);
  if (!exact.length) return ranked.results;
  const matches = exact.map((search) => new Map(search.results.map((result) => [result.id, result])));
  // Excerpts come from the longest phrase's search, so they highlight it.
  const longest = matches[phrases.reduce((best, term, i) => (term.text.length > phrases[best].text.length ? i : best), 0)];
  return ranked.results
    .filter((result) => matches.every((found) => found.has(result.id)))
    .map((result) => longest.get(result.id));
}

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const meta = data.meta || {};
  const facts = [meta.type, meta.date, meta.district].filter(Boolean);
  if (facts.length) {
    const line = document.createElement("p");
    line.className = "result-meta";
    const type = document.createElement("span");
    type.className = "result-type";
    type.textContent = facts[0];
    line.append(type, facts.slice(1).map((f) => " · " + f).join(""));
    item.append(line);
  }
  const title = document.createElement("h2");
  title.className = "result-title";
  const link = document.createElement("a");
  link.href = data.url;
  // Pagefind takes the title from the indexed copy, where Han characters are
  // separated by U+200B; readers and screen readers get it without.
  link.textContent = (meta.title || data.url).replace(/\u200b/g, "");
  title.append(link);
  item.append(title);
  const excerpt = document.createElement("p");
  excerpt.className = "result-excerpt";
  excerpt.append(...excerptNodes(data.excerpt || "", data.content || ""));
  item.append(excerpt);
  return item;
}

// Pagefind's excerpt is HTML with <mark> around the matches. Keep the text
// and the marks only, parsed in an inert document, so nothing else from the
// index can become markup on the page; then make it read as Chinese: the
// ". " Pagefind puts between blocks becomes 。 (or nothing after a Chinese
// mark), and a window that starts mid-sentence starts at the next sentence
// (or, with no sentence end before the first match, with "…").
function excerptNodes(html, content) {
  const doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
  const nodes = [];
  for (const node of doc.body.firstChild.childNodes) {
    const text = node.textContent.replace(/\u200b/g, "");
    if (!text) continue;
    const last = nodes[nodes.length - 1];
    if (node.nodeName === "MARK" && last && last.nodeName === "MARK") {
      last.textContent += text; // 骑手 is two matched words: one highlight
    } else if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = text;
      nodes.push(mark);
    } else {
      // A block break right after a match: the match's last character decides.
      const before = last ? last.textContent.slice(-1) : "";
      nodes.push(document.createTextNode(chineseSeparators(before + text).slice(before.length)));
    }
  }
  const shown = fromSentence(nodes, content.replace(/[\u200b\s]/g, ""));
  const end = shown.length ? shown[shown.length - 1].textContent : "";
  if (end && !/[。！？；…]\s*$/.test(end)) shown.push(document.createTextNode("…"));
  return shown;
}

const STOP = "。！？；：，、";
const CLOSE = "”’）】》」』";
// A sentence end, with its closing quotes, not followed by an attribution (。”——马雨 continues).
const SENTENCE_END = new RegExp("[。！？；][" + CLOSE + "]*(?![—" + CLOSE + "])");
const BREAK_AFTER_STOP = new RegExp("([" + STOP + "][" + CLOSE + "]?)\\s*\\.(\\s+|$)", "g");
const BREAK_AFTER_TEXT = new RegExp("([\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff" + CLOSE + "])\\.(\\s+|$)", "g");
const SPACE_AFTER_MARK = new RegExp("([" + STOP + CLOSE + "])\\s+", "g");

function chineseSeparators(text) {
  return text.replace(BREAK_AFTER_STOP, "$1").replace(BREAK_AFTER_TEXT, "$1。").replace(SPACE_AFTER_MARK, "$1");
}

function fromSentence(nodes, content) {
  const text = nodes.map((n) => n.textContent).join("");
  const flat = text.replace(/\s/g, "");
  // The page's own first words (a title, a lead): already a start.
  if (!flat || content.startsWith(flat.slice(0, 8).replace(/。/g, ""))) return nodes;
  for (let i = 0; i < nodes.length && nodes[i].nodeName !== "MARK"; i++) {
    const end = SENTENCE_END.exec(nodes[i].textContent);
    if (end) {
      const rest = nodes[i].textContent.slice(end.index + end[0].length).replace(/^\s+/, "");
      const kept = nodes.slice(i + 1);
      if (rest) kept.unshift(document.createTextNode(rest));
      if (kept.map((n) => n.textContent).join("").length >= 12) return kept;
      break;
    }
  }
  return [document.createTextNode("…"), ...nodes];
}
