// 统计报告: the dashboard's figures lead to the records behind them, and the summary comes as a
// web page with linked figures and as a Word file. Seen by the county leader (read-only).
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { useBrowser, freshPage, login, shot, pagerTotal } = require('../lib');

const browser = useBrowser();

/** The figure card with this label: its words ("167名") and the card to click. */
async function card(page, label) {
  const c = page.locator('a.card').filter({ has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) });
  assert.equal(await c.count(), 1, `one figure labelled ${label}`);
  return { card: c, words: (await c.locator('.figure').innerText()).trim() };
}

/** An exact count in a figure's words: "167名" → 167 (not "10余次" or "近3.5万人次"). */
function exact(words) {
  const m = /^(\d+)[名人个户次件项]$/.exec(words);
  assert.ok(m, `"${words}" is an exact count`);
  return Number(m[1]);
}

test('open the dashboard, click a figure and land on its records', async () => {
  const page = await freshPage(browser());
  await login(page, 'leader');
  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '统计报告', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/reports');
  // The demo's records are of 2020–2024 (the page opens on the latest year with payments, which
  // the cycle test may have moved on): look at 2024.
  await page.getByLabel('年度').selectOption('2024');
  await page.getByRole('button', { name: '查看' }).click();
  await page.waitForURL((u) => u.searchParams.get('year') === '2024');
  await page.getByRole('heading', { level: 1, name: '2024年双拥工作统计' }).waitFor();
  // Five sections, and charts drawn as SVG.
  assert.equal(await page.getByRole('heading', { level: 2, name: /^强化/ }).count(), 5);
  assert.ok((await page.locator('.chart-box svg').count()) >= 3, 'charts are drawn');
  await shot(page, '15-dashboard');

  // Each figure here counts records one for one: the list it opens holds exactly that many.
  const figures = [
    ['享受残疾抚恤金的残疾军人', '16-dashboard-figure-enrolled'],
    ['解决重点优抚对象住房困难', '17-dashboard-figure-housing'],
  ];
  for (const [label, name] of figures) {
    await page.goto('/reports?year=2024');
    const { card: c, words } = await card(page, label);
    const n = exact(words);
    assert.ok(n > 0, `${label}: ${words}`);
    await c.click();
    await page.waitForURL((u) => u.pathname !== '/reports');
    const rows = await page.locator('table.list tbody tr').count();
    assert.ok(rows > 0, `${label}: the list behind ${words} is empty (${page.url()})`);
    assert.equal(await pagerTotal(page), n, `${label}: the figure says ${words}, its list (${page.url()}) holds`);
    await shot(page, name);
  }
  page.check();
});

test('generate the summary as a web page and as Word', async () => {
  const page = await freshPage(browser());
  await login(page, 'leader');
  await page.goto('/reports');
  const link = page.getByRole('link', { name: /^生成\d{4}—\d{4}年工作总结$/ });
  const [, from, to] = /生成(\d{4})—(\d{4})年/.exec(await link.innerText());
  await link.click();
  await page.waitForURL((u) => u.pathname === '/reports/summary');
  assert.equal(await page.getByLabel('从').inputValue(), from);
  assert.equal(await page.getByLabel('到').inputValue(), to);

  // The text, with its figures as links to their records.
  const article = page.locator('article.summary');
  const text = await article.innerText();
  assert.ok(text.length > 300, `a summary of ${text.length} characters`);
  assert.match(text, /岢岚/);
  const links = article.locator('a[href]');
  assert.ok((await links.count()) >= 5, 'figures in the summary are links');
  await shot(page, '18-summary');
  const figure = article.locator('a[href^="/registry"]').first();
  await figure.click();
  await page.waitForURL((u) => u.pathname === '/registry');
  assert.ok((await page.locator('table.list tbody tr').count()) > 0, 'the figure opens its records');
  await page.goBack();

  // The Word file.
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: '下载 Word' }).click(),
  ]);
  assert.equal(await file.failure(), null);
  assert.match(file.suggestedFilename(), /\.docx$/);
  const bytes = fs.readFileSync(await file.path());
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a .docx file is a zip');
  assert.ok(bytes.includes(Buffer.from('word/document.xml')), 'with the document part');
  assert.ok(bytes.length > 5000, `${bytes.length} bytes`);
  page.check();
});
