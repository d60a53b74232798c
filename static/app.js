/* app.js: progressive enhancement only — every page works without it. */
(function () {
  "use strict";

  /* Copy buttons: <button data-copy="#id"> copies the text of #id. */
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-copy]");
    if (!b || !navigator.clipboard) return;
    var el = document.querySelector(b.getAttribute("data-copy"));
    if (!el) return;
    navigator.clipboard.writeText(el.textContent.trim()).then(function () {
      var old = b.textContent;
      b.textContent = "已复制";
      setTimeout(function () { b.textContent = old; }, 1200);
    });
  });

  /* Copy buttons are hidden until there is a script to run them. */
  document.documentElement.classList.add("js");
})();
