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

  /* The queue's keys: j / k move between rows, Enter opens the current
   * case, c claims it, x ticks its box.  Not while typing in a field. */
  var rows = function () {
    return Array.prototype.slice.call(document.querySelectorAll("#queue tr[data-row]"));
  };
  var current = -1;
  var mark = function (i) {
    var all = rows();
    if (!all.length) return;
    if (current >= 0 && all[current]) all[current].classList.remove("current");
    current = Math.max(0, Math.min(all.length - 1, i));
    all[current].classList.add("current");
    all[current].scrollIntoView({ block: "nearest" });
  };
  document.addEventListener("keydown", function (e) {
    var t = e.target, all, row, el;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(t.tagName))) return;
    all = rows();
    if (!all.length) return;
    if (e.key === "j") { mark(current + 1); e.preventDefault(); return; }
    if (e.key === "k") { mark(current - 1); e.preventDefault(); return; }
    row = all[current];
    if (!row) return;
    if (e.key === "Enter") {
      el = row.querySelector("a.open");
      if (el) { window.location.href = el.href; e.preventDefault(); }
    } else if (e.key === "c") {
      el = row.querySelector("button.claim");
      if (el) { el.click(); e.preventDefault(); }
    } else if (e.key === "x") {
      el = row.querySelector("input[type=checkbox]");
      if (el) { el.checked = !el.checked; e.preventDefault(); }
    }
  });

  /* Copy buttons are hidden until there is a script to run them. */
  document.documentElement.classList.add("js");
})();
