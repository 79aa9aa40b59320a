// Logging in: a wrong password is refused with a Chinese message, the right one opens the
// workbench under the account's name, and logging out ends the session.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { useBrowser, freshPage, login, logout, shot, alertBox } = require('../lib');

const browser = useBrowser();

test('log in, see the workbench, log out', async () => {
  const page = await freshPage(browser());

  // Anything behind the login sends the visitor to the login page.
  await page.goto('/registry');
  await page.waitForURL((u) => u.pathname === '/login');
  await shot(page, '01-login');

  await page.getByLabel('用户名').fill('county');
  await page.getByLabel('密码').fill('wrong-password');
  await page.getByRole('button', { name: '登录' }).click();
  await alertBox(page).waitFor();
  assert.match(await alertBox(page).innerText(), /密码/);
  assert.equal(new URL(page.url()).pathname, '/login');

  await login(page, 'county');
  await page.getByRole('heading', { level: 1, name: /县双拥办业务员，您好/ }).waitFor();
  assert.match(await page.locator('header .me').innerText(), /县双拥办业务员/);
  // The main menu offers the areas of work.
  const menu = page.getByRole('navigation', { name: '主菜单' });
  for (const area of ['优抚对象', '优抚待遇', '帮扶服务', '统计报告']) {
    await menu.getByRole('link', { name: area, exact: true }).waitFor();
  }
  await shot(page, '02-workbench');

  await logout(page);
  await page.goto('/registry');
  await page.waitForURL((u) => u.pathname === '/login');
  page.check();
});
