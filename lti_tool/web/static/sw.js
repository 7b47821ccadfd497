// Marshrut's service worker (the standalone site, signed in; never inside the LMS frame).
// The shell (CSS) is cached at install; pages under /app/ are fetched from the network first
// and kept, so the last-seen route, portfolio and home pages open offline, marked as such.
// Sign-out answers with Clear-Site-Data, which empties these caches.
const SHELL = "marshrut-shell-v1";
const PAGES = "marshrut-pages-v1";
// The note's text comes from the kept page itself (its language), Russian when missing.
const NOTE_TEXT = "Нет связи: это сохранённая копия страницы, она могла устареть.";
const offlineNote = (html) => {
  const found = html.match(/<meta name="marshrut-offline" content="([^"]*)">/);
  return '<div class="flash error" role="status" data-testid="offline">' +
    (found ? found[1] : NOTE_TEXT) + "</div>";
};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(["/static/marshrut.css"])));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
    return;
  }
  // Only the signed-in site's own pages: a launch token in the address means the LMS frame.
  if (request.mode !== "navigate" || !url.pathname.startsWith("/app/") || url.searchParams.has("lt")) return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(PAGES).then((c) => c.put(url.pathname, copy));
      }
      return response;
    }).catch(async () => {
      const hit = await caches.match(url.pathname, { cacheName: PAGES });
      if (!hit) throw new Error("offline and not saved");
      const text = await hit.text();
      const html = text.replace("<main>", "<main>" + offlineNote(text));
      return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
    })
  );
});
