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
  /* claim: the row's claim button, posted in the background so the agent
   * stays on the queue and moves to the next row; without fetch, the
   * button's own form post. */
  var claim = function (row, button) {
    var csrf = button.form && button.form.querySelector("input[name=csrf]");
    var cell = button.parentNode, who = row.querySelector("td.assignee");
    if (!csrf || !window.fetch) { button.click(); return; }
    button.disabled = true;
    fetch(button.formAction, {
      method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json",
                 "Content-Type": "application/x-www-form-urlencoded" },
      body: "csrf=" + encodeURIComponent(csrf.value)
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, j: j }; });
    }).then(function (x) {
      if (x.ok) {
        cell.textContent = "";
        if (who) who.textContent = x.j.by || "我";
        row.classList.add("claimed");
      } else {
        cell.textContent = (x.j.error && x.j.error.message) || "认领失败";
        cell.classList.add("small", "warn");
      }
    }).catch(function () {
      button.disabled = false;
      cell.insertAdjacentText("beforeend", " 网络错误，请重试");
    });
    mark(current + 1);
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
      if (el) { claim(row, el); e.preventDefault(); }
    } else if (e.key === "x") {
      el = row.querySelector("input[type=checkbox]");
      if (el) { el.checked = !el.checked; e.preventDefault(); }
    }
  });

  /* Copy buttons are hidden until there is a script to run them. */
  document.documentElement.classList.add("js");
})();
