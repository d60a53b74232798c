#!/usr/bin/env node
/* screens.js: the console's pages in Chromium at a phone's and a
 * desktop's width, with and without JavaScript.
 *
 *   node screens.js BASE_URL LOGIN PASSWORD ORDER_NO CASE_ID OUTDIR [ADMIN ADMIN_PASSWORD]
 *
 * Signs in through the login form, opens the queue, an order and a case
 * at 390 and at 1366 px and checks that nothing needs sideways scrolling
 * (document.documentElement.scrollWidth <= the screen's width, and no box
 * scrolling sideways inside the page) and that the
 * queue's claim buttons stay on one line; on the queue, `c` claims the
 * current row and leaves the agent on the queue at the next row.  With an
 * admin's login, the admin pages are held to the phone's width too.  A PNG
 * of each page goes to OUTDIR.  Prints "ok ..." or "FAIL ..." a check,
 * then "browser: N passed, N failed"; exits 1 on a failure. */
"use strict";
const path = require("path");
const { chromium } = require("playwright-core");

const [base, login, password, orderNo, caseId, outdir, admin, adminPassword] =
  process.argv.slice(2);
if (!outdir) {
  console.error("usage: screens.js BASE_URL LOGIN PASSWORD ORDER_NO CASE_ID OUTDIR");
  process.exit(2);
}
const widths = [{ name: "phone", width: 390, height: 844, mobile: true },
                { name: "desktop", width: 1366, height: 768, mobile: false }];
const pages = [{ name: "queue", path: "/queue" },
               { name: "order", path: "/orders/" + orderNo },
               { name: "case", path: "/cases/" + caseId },
               { name: "search", path: "/search?q=" + orderNo.slice(0, 8) }];
const adminPages = [{ name: "agents", path: "/admin/agents" },
                    { name: "rules", path: "/admin/rules" },
                    { name: "tokens", path: "/admin/tokens" },
                    { name: "audit", path: "/admin/audit" },
                    { name: "account", path: "/account" },
                    { name: "silences", path: "/queue/silences" }];
let passed = 0, failed = 0;

function check(ok, what, detail) {
  if (ok) {
    passed++;
    console.log("ok   " + what);
  } else {
    failed++;
    console.log("FAIL " + what + (detail ? ": " + detail : ""));
  }
}

async function signIn(context, who, secret) {
  const page = await context.newPage();
  await page.goto(base + "/login");
  await page.fill("input[name=login]", who || login);
  await page.fill("input[name=password]", secret || password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  if (new URL(page.url()).pathname === "/login")
    throw new Error("sign-in failed: still on /login");
  return page;
}

/* overflow: what sticks out of the viewport, for the failure message */
function overflow() {
  const w = window.innerWidth, out = [], boxes = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0)
      out.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : "") +
               " right=" + Math.round(r.right));
    if (out.length >= 5) break;
  }
  /* a box that scrolls sideways hides its end just the same (a matrix
   * such as the permission grid may) */
  for (const el of document.querySelectorAll("body *")) {
    const cs = getComputedStyle(el);
    if (/auto|scroll/.test(cs.overflowX) && el.scrollWidth > el.clientWidth + 1 &&
        !el.classList.contains("perm-grid"))
      boxes.push("scrolling box " + el.tagName.toLowerCase() + "." + el.className);
  }
  return { scroll: document.documentElement.scrollWidth, inner: w, out: out, boxes: boxes };
}

async function screens(browser, js, list, who, secret) {
  for (const w of widths) {
    const context = await browser.newContext({
      viewport: { width: w.width, height: w.height }, isMobile: w.mobile,
      hasTouch: w.mobile, javaScriptEnabled: js, locale: "zh-CN" });
    const page = await signIn(context, who, secret);
    for (const p of list) {
      const tag = p.name + " at " + w.width + " px" + (js ? "" : " without JavaScript");
      const res = await page.goto(base + p.path);
      check(res.status() === 200, tag + " answers 200", "got " + res.status());
      const o = await page.evaluate(overflow);
      /* a phone's browser widens its viewport to the page: hold the page
       * to the screen's width, not to the viewport */
      check(o.scroll <= w.width && o.inner === w.width && o.boxes.length === 0,
            tag + " needs no sideways scrolling", "scrollWidth " + o.scroll + ", innerWidth " +
            o.inner + "; " + o.boxes.concat(o.out).join(", "));
      await page.screenshot({ fullPage: true, path: path.join(outdir,
        p.name + "-" + w.width + (js ? "" : "-nojs") + ".png") });
      if (p.name === "queue" && w.name === "desktop") {
        const wrapped = await page.evaluate(() => {
          const out = [];
          for (const b of document.querySelectorAll("#queue button.claim, #bulk .bulkbar button")) {
            const lh = parseFloat(getComputedStyle(b).lineHeight) ||
              parseFloat(getComputedStyle(b).fontSize) * 1.4;
            const pad = parseFloat(getComputedStyle(b).paddingTop) +
              parseFloat(getComputedStyle(b).paddingBottom);
            if (b.getBoundingClientRect().height - pad > lh * 1.5) out.push(b.textContent);
          }
          return out;
        });
        check(wrapped.length === 0, tag + ": claim buttons on one line", wrapped.join(", "));
      }
    }
    if (js && w.name === "desktop" && list === pages)
      await claimKey(page);
    await context.close();
  }
}

/* claimKey: j to the first unclaimed row, c claims it in the background,
 * the agent stays on the queue and the next row is current. */
async function claimKey(page) {
  await page.goto(base + "/queue?assignee=unassigned");
  const rows = await page.$$("#queue tr[data-row]");
  let first = -1;
  for (let i = 0; i < rows.length && first < 0; i++)
    if (await rows[i].$("button.claim")) first = i;
  check(first >= 0 && rows.length > first + 1, "the queue has an unclaimed row to claim",
        rows.length + " rows");
  if (first < 0) return;
  for (let i = 0; i <= first; i++) await page.keyboard.press("j");
  const url = page.url();
  const answered = page.waitForResponse(r => r.url().endsWith("/claim"));
  await page.keyboard.press("c");
  const res = await answered;
  check(res.status() === 200, "c claims the row", "got " + res.status());
  await page.waitForFunction(i =>
    !document.querySelectorAll("#queue tr[data-row]")[i].querySelector("button.claim"), first);
  check(page.url() === url, "c leaves the agent on the queue", page.url());
  const state = await page.evaluate(i => {
    const all = document.querySelectorAll("#queue tr[data-row]");
    return { next: all[i + 1].classList.contains("current"),
             claimed: all[i].classList.contains("claimed"),
             who: all[i].querySelector("td.assignee").textContent.trim() };
  }, first);
  check(state.claimed && state.next, "the claimed row is marked and the next is current",
        JSON.stringify(state));
  check(state.who !== "" && state.who !== "未认领", "the row shows who holds it now",
        JSON.stringify(state));
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    await screens(browser, true, pages);
    await screens(browser, false, pages);
    if (admin)
      await screens(browser, true, adminPages, admin, adminPassword);
  } catch (e) {
    check(false, "the browser run", e.stack || String(e));
  } finally {
    await browser.close();
  }
  console.log("browser: " + passed + " passed, " + failed + " failed");
  process.exit(failed ? 1 : 0);
})();
