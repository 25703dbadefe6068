// Registers Sésame's service worker (offline page, cached static files). Loaded with `defer`.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      // No service worker (private mode, old browser): the site works the same online.
    });
  });
}
