// A payment cycle: the county clerk computes and freezes a month, another county account
// approves (the computer may not), and the bank file downloads with a line per payment.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { useBrowser, freshPage, login, logout, shot, flash, idFromUrl } = require('../lib');

const browser = useBrowser();

const PROGRAM = '残疾抚恤金';

/** Clicks `button` and returns the file the browser downloads, as bytes, with its name. */
async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const failure = await file.failure();
  assert.equal(failure, null, `download failed: ${failure}`);
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}

test('run, approve and export a cycle', async () => {
  const page = await freshPage(browser());
  await login(page, 'county');

  await page.goto('/benefits/cycles');
  await page.getByLabel('待遇项目').selectOption({ label: PROGRAM });
  const period = await page.getByLabel('发放月份').inputValue();
  assert.match(period, /^\d{4}-\d{2}$/, 'the form offers this month');
  await shot(page, '12-cycles');
  await page.getByRole('button', { name: '计算并冻结' }).click();
  await page.waitForURL(/\/benefits\/cycles\/\d+$/);
  const cycleUrl = new URL(page.url()).pathname;
  const cycleId = idFromUrl(page);
  const done = await flash(page).innerText();
  const m = /已计算.*?：(\d+)条，合计([\d,.]+)元/.exec(done);
  assert.ok(m, `flash: ${done}`);
  const lines = Number(m[1]);
  assert.ok(lines > 0, 'the demo has people drawing this benefit');
  await page.getByRole('heading', { level: 1, name: `${PROGRAM} ${period}（批次${cycleId}）` }).waitFor();
  assert.match(await page.locator('.title-row .tag').innerText(), /待审批|已计算/);

  // The one who computed it may not approve it: the server refuses.
  await page.getByRole('button', { name: '审批通过' }).click();
  await page.waitForURL((u) => u.pathname === cycleUrl);
  assert.match(await flash(page).innerText(), /未办理|不能|他人|另一位/);
  assert.equal(await page.getByRole('button', { name: /导出银行文件/ }).count(), 0, 'no bank file before approval');
  await logout(page);

  // Another account of the county approves.
  await login(page, 'admin');
  await page.goto(cycleUrl);
  await page.getByRole('button', { name: '审批通过' }).click();
  await page.waitForURL((u) => u.pathname === cycleUrl);
  assert.match(await flash(page).innerText(), /已审批，可以导出银行文件/);
  assert.match(await page.locator('dl.facts').innerText(), /审批\s+系统管理员/);
  await shot(page, '13-cycle-approved');

  // The bank file, in both formats.
  const csv = await download(page, page.getByRole('button', { name: '导出银行文件（CSV）' }));
  assert.match(csv.name, new RegExp(`^银行发放文件_${PROGRAM}_${period}_批次${cycleId}\\.csv$`));
  const rows = csv.bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(rows.length, lines + 1, 'a header and one row per line of the cycle');
  assert.match(rows[0], /姓名/);
  assert.match(rows[0], /账号/);
  const xlsx = await download(page, page.getByRole('button', { name: '导出银行文件（Excel）' }));
  assert.match(xlsx.name, /\.xlsx$/);
  assert.equal(xlsx.bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX file is a zip');
  assert.ok(xlsx.bytes.length > 2000, `XLSX of ${xlsx.bytes.length} bytes`);

  // The list shows it exported.
  await page.goto('/benefits/cycles');
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: String(cycleId), exact: true }) });
  assert.match(await row.innerText(), /已导出/);
  page.check();
});
