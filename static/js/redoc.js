// Starts Redoc on the API reference page (the stock page does it in an inline script, which the portal's
// Content-Security-Policy refuses).
(function () {
  "use strict";
  const container = document.getElementById("redoc-container");
  const options = JSON.parse(container.dataset.settings || "{}");
  // Redoc's search runs in a worker made from a blob: URL, which the policy does not allow (the sidebar
  // lists every operation; Swagger UI at /api/v1/docs/ filters them).
  options.disableSearch = true;
  window.Redoc.init(container.dataset.specUrl, options, container);
})();
