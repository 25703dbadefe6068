// Sésame's service worker.
//
// - Caches the app shell: the offline page, its style, the icons and manifest at install;
//   hashed static files (/pkg/…: JS, WebAssembly, CSS) the first time they are fetched.
// - Pages are always fetched from the network and NEVER cached: they may show personal
//   data. When the network is gone, a navigation shows the offline page instead.
const CACHE = "sesame-shell-v1";
const SHELL = ["/offline.html", "/offline.css", "/icons/icon-192.png", "/icons/logo.svg", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function isShellAsset(url) {
  return url.origin === self.location.origin &&
    (url.pathname.startsWith("/pkg/") || url.pathname.startsWith("/icons/") || SHELL.includes(url.pathname));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);

  if (request.mode === "navigate") {
    // Network only for pages; the offline page when there is no network.
    event.respondWith(fetch(request).catch(() => caches.match("/offline.html")));
    return;
  }

  if (isShellAsset(url)) {
    // Cache first: hashed names never change content.
    event.respondWith(
      caches.match(request).then((hit) => {
        if (hit) return hit;
        return fetch(request).then((response) => {
          if (response.ok && url.pathname.startsWith("/pkg/")) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        });
      })
    );
  }
  // Everything else (server functions, pages' data): straight to the network.
});
