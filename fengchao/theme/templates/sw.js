// fengchao service worker (built from templates/sw.js by fengchao/offline.py).
// Optional: the site works the same without it. Keeps the station directory,
// stations.json and the last pages read for use without a connection.
"use strict";
const CONFIG = {{ config | tojson }};
const STATIC = "fengchao-static-" + CONFIG.version;
const PAGES = "fengchao-pages";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(CONFIG.precache)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("fengchao-static-") && k !== STATIC).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

// Keep only the most recent pages (Cache keys come back in insertion order).
async function remember(request, response) {
  const cache = await caches.open(PAGES);
  await cache.delete(request, { ignoreSearch: false });
  await cache.put(request, response);
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - CONFIG.recent)).map((k) => cache.delete(k)));
}

// Pages and stations.json: the network first (fresh news, fresh opening
// hours), the last copy when there is no connection.
async function networkFirst(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (response.ok) {
      const copy = response.clone();
      event.waitUntil(request.mode === "navigate" ? remember(request, copy) : caches.open(STATIC).then((c) => c.put(request, copy)));
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request, { ignoreSearch: request.mode === "navigate" });
    if (cached) return cached;
    if (request.mode === "navigate") {
      const fallback = await caches.match(CONFIG.fallback);
      if (fallback) return fallback;
    }
    throw error;
  }
}

// Styles, scripts, icons: the cached copy at once, refreshed in the background.
async function staleWhileRevalidate(event) {
  const cache = await caches.open(STATIC);
  const cached = await cache.match(event.request);
  const fresh = fetch(event.request).then((response) => {
    if (response.ok) cache.put(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => undefined));
    return cached;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (CONFIG.skip.some((prefix) => url.pathname.startsWith(prefix))) return;
  if (request.mode === "navigate" || url.pathname.endsWith("/stations.json")) {
    event.respondWith(networkFirst(event));
  } else if (CONFIG.precache.includes(url.pathname) || url.pathname.includes("/assets/")) {
    event.respondWith(staleWhileRevalidate(event));
  }
});
