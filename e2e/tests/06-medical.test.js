// A medical claim: taken in from a person's page, the aid worked out by the fund's rules with its
// reasons shown, approved by another manager and paid out of the fund.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useBrowser, freshPage, login, logout, shot, flash, alertBox, idFromUrl } = require('../lib');

const browser = useBrowser();

/** "1,234.50" → 123450 fen. */
function fen(text) {
  const m = /(-?[\d,]+)(?:\.(\d{1,2}))?/.exec(text);
  assert.ok(m, `no amount in ${text}`);
  return Number(m[1].replaceAll(',', '')) * 100 + Number((m[2] || '0').padEnd(2, '0'));
}

test('record a medical claim', async () => {
  const page = await freshPage(browser());
  await login(page, 'county');

  // A disabled serviceman from the registry.
  await page.goto('/registry?category=disabled_serviceman&status=normal');
  const first = page.locator('table.list tbody tr td:first-child a').first();
  const name = await first.innerText();
  await first.click();
  await page.waitForURL(/\/registry\/\d+$/);
  const personId = idFromUrl(page);
  await page.getByRole('link', { name: '受理医疗救助' }).click();
  await page.waitForURL((u) => u.pathname === '/cases/medical/claims/new');
  assert.equal(await page.getByLabel(/^人员编号/).inputValue(), String(personId));
  const fundOption = (await page.getByLabel('救助基金').locator('option:checked').innerText()).trim();
  const fundBefore = fen(/余额\s*([\d,.]+)\s*元/.exec(fundOption)[1]);

  await page.getByLabel('就诊医院').fill('岢岚县人民医院');
  await page.getByLabel('入院日期').fill('2026-03-01');
  await page.getByLabel('出院日期').fill('2026-03-12');
  // A mistake first: an amount that is not money.
  await page.getByLabel('住院总费用（元）').fill('一万');
  await page.getByLabel('医保报销（元）').fill('6000');
  await page.getByRole('button', { name: '受理并核定' }).click();
  await page.waitForURL((u) => u.pathname === '/cases/medical/claims/new');
  const problem = (await alertBox(page).count()) ? alertBox(page) : flash(page);
  assert.match(await problem.innerText(), /住院总费用/);

  await page.getByLabel('就诊医院').fill('岢岚县人民医院');
  await page.getByLabel('入院日期').fill('2026-03-01');
  await page.getByLabel('出院日期').fill('2026-03-12');
  await page.getByLabel('住院总费用（元）').fill('12000');
  await page.getByLabel('医保报销（元）').fill('6000');
  await page.getByRole('button', { name: '受理并核定' }).click();
  await page.waitForURL(/\/cases\/medical\/claims\/\d+$/);
  const claimUrl = new URL(page.url()).pathname;
  assert.match(await flash(page).innerText(), new RegExp(`已受理 ${name} 的申请，核定救助 [\\d,.]+ 元，待审核批准`));
  await page.getByRole('heading', { level: 1, name: `${name} 的医疗救助申请` }).waitFor();
  const facts = page.locator('dl.facts');
  const fact = async (label) =>
    (await facts.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]').innerText()).trim();
  assert.equal(fen(await fact('个人自付')), 600000);
  const aid = fen(await fact('核定救助'));
  assert.ok(aid > 0 && aid <= 600000, `aid ${aid} fen is part of what he paid himself`);
  assert.ok((await page.locator('ol li').count()) > 0, 'the reasons for the amount are shown');
  await shot(page, '14-medical-claim');
  await logout(page);

  // Another manager approves; the aid leaves the fund.
  await login(page, 'admin');
  await page.goto(claimUrl);
  await page.getByRole('button', { name: '批准并支出' }).click();
  await page.waitForURL((u) => u.pathname === claimUrl);
  assert.match(await flash(page).innerText(), /已批准/);
  assert.match(await fact('状态'), /已批准|已支出/);
  await page.goto('/cases/medical/claims/new');
  const after = (await page.getByLabel('救助基金').locator('option', { hasText: fundOption.split('（')[0] }).innerText()).trim();
  assert.equal(fen(/余额\s*([\d,.]+)\s*元/.exec(after)[1]), fundBefore - aid);
  page.check();
});
