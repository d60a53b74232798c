#!/usr/bin/env node
/* fix.js: an agent fixes a duplicate payment from the queue in three
 * clicks — the case, its proposed refund (the form filled from the order),
 * confirm — and sees the refund take effect on the order's timeline.
 *
 *   node fix.js BASE_URL LOGIN PASSWORD ORDER_NO OUTDIR
 *
 * Prints "ok ..." or "FAIL ..." a check, then "browser: N passed, N
 * failed"; exits 1 on a failure.  A dispatcher must be running. */
"use strict";
const path = require("path");
const { chromium } = require("playwright-core");

const [base, login, password, orderNo, outdir] = process.argv.slice(2);
let passed = 0, failed = 0;

function check(ok, what, detail) {
  if (ok) { passed++; console.log("ok   " + what); }
  else { failed++; console.log("FAIL " + what + (detail ? ": " + detail : "")); }
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 },
                                                   locale: "zh-CN" })).newPage();
    await page.goto(base + "/login");
    await page.fill("input[name=login]", login);
    await page.fill("input[name=password]", password);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    await page.goto(base + "/queue?kind=duplicate_payment");
    let clicks = 0;
    /* 1: the case, from its row */
    const row = page.locator("#queue tr[data-row]", { hasText: orderNo });
    await Promise.all([page.waitForNavigation(), row.locator("a.open").click()]);
    clicks++;
    check(/\/cases\/\d+/.test(page.url()), "the row opens its case", page.url());
    /* 2: the refund the playbook proposes, its form filled from the order */
    await Promise.all([page.waitForNavigation(),
                       page.click("p.suggest a.button-link.primary")]);
    clicks++;
    const amount = await page.inputValue("input[name=amount]");
    const reason = await page.inputValue("input[name=reason]");
    check(page.url().includes("/act/refund") && amount !== "" && reason !== "",
          "the refund form is filled in", page.url() + " " + amount + " " + reason);
    await page.screenshot({ path: path.join(outdir, "fix-form.png"), fullPage: true });
    /* 3: confirm */
    await Promise.all([page.waitForNavigation(), page.click("form.act-form button.primary")]);
    clicks++;
    check(clicks === 3 && /\/cases\/\d+\?done=refund/.test(page.url()),
          "three clicks, and back on the case", page.url());
    check((await page.textContent("body")).includes("已提交退款"), "the case says it was sent");
    /* the order's timeline: 已生效 once the dispatcher has sent it */
    let seen = false;
    for (let i = 0; i < 40 && !seen; i++) {
      await page.goto(base + "/orders/" + orderNo);
      seen = (await page.textContent("ol.tl")).includes("已生效");
      if (!seen) await page.waitForTimeout(250);
    }
    await page.screenshot({ path: path.join(outdir, "fix-order.png"), fullPage: true });
    check(seen, "the refund shows 已生效 on the order's timeline");
  } catch (e) {
    check(false, "the browser run", e.stack || String(e));
  } finally {
    await browser.close();
  }
  console.log("browser: " + passed + " passed, " + failed + " failed");
  process.exit(failed ? 1 : 0);
})();
