// A benefit application through its three hands (four-eyes): a village contact registers a
// disabled serviceman and applies for him, the township clerk reviews, the county clerk approves;
// nobody decides on their own submission, and the person is then enrolled.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useBrowser, freshPage, login, logout, shot, flash, idFromUrl, idNumber } = require('../lib');

const browser = useBrowser();

const PROGRAM = '残疾抚恤金';

test('submit, review and approve an application', async () => {
  const page = await freshPage(browser());

  // 1. The village contact (团城村) registers the person and submits the application.
  await login(page, 'tuancheng');
  const name = '岳振邦';
  await page.goto('/registry/new');
  await page.getByLabel('姓名', { exact: true }).fill(name);
  await page.getByLabel('身份证号', { exact: true }).fill(idNumber('19550823'));
  await page.getByLabel('所属单位（居住地）').selectOption({ label: '团城村' });
  await page.getByLabel('银行账号', { exact: true }).fill('6228480402564890018');
  await page.getByLabel('开户银行', { exact: true }).fill('中国农业银行');
  await page.getByRole('checkbox', { name: '残疾军人' }).check();
  await page.getByLabel('伤残性质（残疾军人）').selectOption({ label: '因公' });
  await page.getByLabel(/^伤残等级/).fill('6');
  await page.getByRole('textbox', { name: '入伍时间' }).first().fill('1972-12');
  await page.getByRole('textbox', { name: '退役时间' }).first().fill('1976-03');
  await page.getByRole('button', { name: '登记', exact: true }).click();
  await page.waitForURL(/\/registry\/\d+$/);
  const personId = idFromUrl(page);

  await page.getByRole('link', { name: '申请待遇' }).click();
  await page.waitForURL((u) => u.pathname === '/benefits/applications/new');
  const radio = page.getByRole('radio', { name: PROGRAM, exact: true });
  await radio.check();
  // The rules judge him eligible before anyone submits.
  assert.match(await page.locator('tr', { has: radio }).innerText(), /符合/);
  assert.doesNotMatch(await page.locator('tr', { has: radio }).innerText(), /不符合/);
  await page.getByLabel('申请说明').fill('伤残证已核验');
  await shot(page, '09-application-new');
  await page.getByRole('button', { name: '提交申请' }).click();
  await page.waitForURL(/\/benefits\/applications\/\d+$/);
  const appUrl = new URL(page.url()).pathname;
  const appId = idFromUrl(page);
  await page.getByRole('heading', { level: 1, name: `${PROGRAM}申请（编号${appId}）` }).waitFor();
  // The submitter can neither review nor decide.
  await page.getByText('这是您提交的申请，须由其他工作人员审核和审批。').waitFor();
  assert.equal(await page.getByRole('button', { name: /审核通过/ }).count(), 0);
  assert.equal(await page.getByRole('button', { name: '批准' }).count(), 0);
  await logout(page);

  // 2. The township clerk (三井镇) finds it in the inbox and reviews it.
  await login(page, 'sanjing');
  await page.goto('/benefits/applications');
  await page.locator('table.list tbody').getByRole('link', { name: String(appId), exact: true }).click();
  await page.waitForURL((u) => u.pathname === appUrl);
  assert.equal(await page.getByRole('button', { name: '批准' }).count(), 0, 'a township clerk does not decide');
  await page.getByLabel('审核意见').fill('经入户核实，情况属实');
  await page.getByRole('button', { name: '审核通过，报县级审批' }).click();
  await page.waitForURL((u) => u.pathname === appUrl);
  assert.match(await flash(page).innerText(), /已审核，申请转县级审批/);
  await logout(page);

  // 3. The county clerk approves.
  await login(page, 'county');
  await page.goto(appUrl);
  const facts = await page.locator('dl.facts').innerText();
  assert.match(facts, /乡镇审核\s+三井镇业务员\(sanjing\)：经入户核实，情况属实/);
  await shot(page, '10-application-review');
  const approve = page.getByRole('button', { name: '批准', exact: true });
  assert.ok(await approve.isEnabled(), 'eligible now, so it may be approved');
  await approve.click();
  await page.waitForURL((u) => u.pathname === appUrl);
  assert.match(await page.locator('.title-row .tag').innerText(), /已批准/);
  assert.match(await page.locator('dl.facts').innerText(), /县级审批\s+县双拥办业务员\(county\)/);
  await shot(page, '11-application-approved');

  // The person now draws the benefit.
  await page.goto(`/registry/${personId}`);
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: PROGRAM, exact: true }) });
  assert.match(await row.innerText(), /起享受/);
  page.check();
});
