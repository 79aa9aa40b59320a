// Registering a person through the form, and finding them again by pinyin initials.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useBrowser, freshPage, login, shot, flash, idFromUrl, idNumber, NAMES } = require('../lib');

const browser = useBrowser();

test('register a person and find them by pinyin initials', async () => {
  const page = await freshPage(browser());
  await login(page, 'county');
  const name = NAMES.oycl;
  const id = idNumber('19650312');

  await page.getByRole('navigation', { name: '主菜单' }).getByRole('link', { name: '优抚对象', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/registry');
  await shot(page, '03-registry');
  await page.getByRole('link', { name: '登记优抚对象' }).click();
  await page.waitForURL((u) => u.pathname === '/registry/new');

  // A mistake first: the form comes back with the message beside the field and nothing saved.
  await page.getByLabel('姓名', { exact: true }).fill(name);
  await page.getByLabel('身份证号', { exact: true }).fill(id.slice(0, 17) + (id[17] === '0' ? '1' : '0'));
  await page.getByLabel('所属单位（居住地）', { exact: true }).selectOption({ label: '团城村' });
  await page.getByRole('checkbox', { name: '退役军人' }).check();
  await page.getByRole('button', { name: '登记', exact: true }).click();
  await page.locator('#id_number[aria-invalid="true"]').waitFor();
  await page.locator('.field-error').first().waitFor();
  assert.match(await page.locator('.field-error').first().innerText(), /身份证号/);
  await shot(page, '04-registry-form-error');

  // Corrected, it is saved and the person's page opens.
  await page.getByLabel('身份证号', { exact: true }).fill(id);
  await page.getByLabel('联系电话', { exact: true }).fill('13912345678');
  await page.getByRole('textbox', { name: '入伍时间' }).first().fill('1983-11');
  await page.getByRole('textbox', { name: '退役时间' }).first().fill('1987-12');
  await page.getByRole('button', { name: '登记', exact: true }).click();
  await page.waitForURL(/\/registry\/\d+$/);
  const personId = idFromUrl(page);
  await page.getByRole('heading', { level: 1, name }).waitFor();
  // Sensitive fields are masked on screen.
  const facts = await page.locator('main').innerText();
  assert.ok(facts.includes(`${id.slice(0, 6)}********${id.slice(14)}`), 'the ID number is shown masked');
  assert.ok(!facts.includes(id), 'the full ID number is not on the page');
  await shot(page, '05-person');

  // Find them by the initials of their name's pinyin.
  await page.goto('/registry');
  await page.getByRole('search').getByRole('textbox', { name: '查找' }).fill('oycl');
  await page.getByRole('search').getByRole('button', { name: '查询' }).click();
  await page.waitForURL((u) => u.searchParams.get('q') === 'oycl');
  // (Found by its link: a rerun against the same database registers a namesake.)
  const hit = page.locator(`table.list tbody a[href="/registry/${personId}"]`);
  await hit.waitFor();
  assert.equal(await hit.innerText(), name);
  // Initials this rare find only namesakes.
  const names = await page.locator('table.list tbody tr td:first-child').allInnerTexts();
  assert.ok(names.length >= 1, 'found');
  for (const n of names) assert.equal(n.trim(), name);
  await shot(page, '06-registry-search');

  // And by the last four digits of the ID number.
  await page.getByRole('search').getByRole('textbox', { name: '查找' }).fill(id.slice(14));
  await page.getByRole('search').getByRole('button', { name: '查询' }).click();
  await page.locator(`table.list tbody a[href="/registry/${personId}"]`).waitFor();
  page.check();
});
