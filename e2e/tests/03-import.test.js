// Bulk import: upload a CSV with good and bad rows, read each bad row's reason, commit the good
// ones, and find them in the registry.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useBrowser, freshPage, login, shot, flash, idNumber, NAMES } = require('../lib');

const browser = useBrowser();

const HEADER =
  '姓名,身份证号,性别,民族,户籍性质,所属单位,人员类别,入伍时间,退役时间,伤残性质,伤残等级,联系电话,银行账号,开户银行,享受待遇,状态';

test('upload an import file, read the row errors, commit', async () => {
  const page = await freshPage(browser());
  await login(page, 'county');
  const good = [
    [NAMES.zgyf, idNumber('19580704'), '团城村'],
    [NAMES.smqs, idNumber('19610210'), '团城村'],
  ];
  const badId = idNumber('19590101');
  const wrongCheck = badId.slice(0, 17) + (badId[17] === '1' ? '2' : '1');
  const rows = [
    HEADER,
    `${good[0][0]},${good[0][1]},男,汉族,农村,${good[0][2]},退役军人,1976-03,1980-01,,,,,,,正常`,
    // Row 3: the ID's check digit is wrong.
    `钱不对,${wrongCheck},男,汉族,农村,团城村,退役军人,1977-03,1981-01,,,,,,,正常`,
    `${good[1][0]},${good[1][1]},男,汉族,农村,${good[1][2]},退役军人,1979-12,1983-01,,,,,,,正常`,
    // Row 5: no such unit.
    `孙无村,${idNumber('19600505')},男,汉族,农村,不存在村,退役军人,1978-03,1982-01,,,,,,,正常`,
  ];
  const csv = Buffer.from(rows.join('\n') + '\n', 'utf8');

  await page.goto('/registry');
  await page.getByRole('link', { name: '批量导入' }).click();
  await page.waitForURL((u) => u.pathname === '/registry/import');
  await page.getByLabel(/CSV（UTF-8 或 GBK）/).setInputFiles({ name: '导入测试.csv', mimeType: 'text/csv', buffer: csv });
  await page.getByRole('button', { name: '上传并预览' }).click();
  await page.getByRole('heading', { name: '需要修改的行' }).waitFor();

  // The cards: 2 to import, 2 rows with mistakes.
  const cards = page.locator('section.cards .card');
  assert.match(await cards.nth(0).innerText(), /^2\s*可导入/);
  assert.match(await cards.nth(1).innerText(), /^2\s*有错误的行/);
  // Each bad row, with its column and a reason that says what to fix.
  const errors = await page
    .locator('table.list')
    .first()
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.innerText.trim())));
  assert.equal(errors.length, 2, JSON.stringify(errors));
  assert.deepEqual(errors[0].slice(0, 2), ['第3行', '身份证号']);
  assert.match(errors[0][2], /校验位/);
  assert.deepEqual(errors[1].slice(0, 2), ['第5行', '所属单位']);
  assert.match(errors[1][2], /不存在村/);
  await shot(page, '07-import-preview');

  // Nothing is written before the commit (looked up in a second tab of the same session).
  const probe = await browser().context.newPage();
  await probe.goto(`/registry?q=${good[0][1].slice(12)}`);
  await probe.locator('table.list').waitFor();
  assert.equal(await probe.locator('table.list tbody').getByRole('link', { name: good[0][0], exact: true }).count(), 0);
  await probe.close();

  await page.getByRole('button', { name: '确认导入 2 人' }).click();
  await page.waitForURL((u) => u.pathname === '/registry');
  assert.match(await flash(page).innerText(), /已导入 2 人；有错误未导入 2 行/);
  await shot(page, '08-import-done');

  for (const [name, id] of good) {
    await page.getByRole('search').getByRole('textbox', { name: '查找' }).fill(id.slice(12));
    await page.getByRole('search').getByRole('button', { name: '查询' }).click();
    await page.locator('table.list tbody').getByRole('link', { name, exact: true }).waitFor();
  }
  page.check();
});
