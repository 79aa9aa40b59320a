// Shared helpers of the browser tests: one Chromium per test file, one fresh context per test,
// logins by role, screenshots, and a guard that fails a test on any server error or page error.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const BASE_URL = process.env.E2E_BASE_URL;
if (!BASE_URL) throw new Error('E2E_BASE_URL is not set: run the tests through e2e/run.sh');
const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.E2E_SCREENSHOTS || path.join(__dirname, '..', 'target', 'e2e-screenshots');
const PASSWORD = 'demo2024kl';
// Every wait is bounded: a step that does not happen within this time fails the test.
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 20000);

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Starts headless Chromium with a fresh, throw-away profile directory. */
async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    baseURL: BASE_URL,
    locale: 'zh-CN',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(TIMEOUT);
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A new page with no cookies (a fresh session), watched for server errors (HTTP 5xx) and
 * uncaught page errors; call `check()` at the end of the test.
 */
async function freshPage(browser) {
  await browser.context.clearCookies();
  for (const p of browser.context.pages()) await p.close();
  const page = await browser.context.newPage();
  const problems = [];
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.check = () => assert.deepEqual(problems, [], 'the server answered with an error or the page threw');
  return page;
}

/** Logs in through the form as a demo account and waits for the workbench. */
async function login(page, username) {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  // The header names the account: the login really took.
  await page.locator('header .me').waitFor();
}

/** Logs out through the header's button. */
async function logout(page) {
  await page.getByRole('button', { name: '退出' }).click();
  await page.waitForURL((u) => u.pathname === '/login');
}

/** Saves a full-page screenshot as `<name>.png` in the screenshot directory. */
async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** The flash message shown after a form (role=status). */
function flash(page) {
  return page.getByRole('status');
}

/** The alert box of a page with an error (role=alert), if any. */
function alertBox(page) {
  return page.getByRole('alert');
}

/** The "共 N 条" total of a paged list. */
async function pagerTotal(page) {
  const text = await page.getByRole('navigation', { name: '分页' }).innerText();
  const m = /共\s*(\d+)\s*条/.exec(text);
  assert.ok(m, `no total in the pager: ${text}`);
  return Number(m[1]);
}

/** The numeric id at the end of the page's path (/registry/42 → 42). */
function idFromUrl(page) {
  const m = /\/(\d+)$/.exec(new URL(page.url()).pathname);
  assert.ok(m, `no id at the end of ${page.url()}`);
  return Number(m[1]);
}

// Synthetic IDs: 岢岚县 (140929) as the region, a checksum that is valid, and a sequence that
// differs between runs so a rerun against the same database does not collide.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function checkDigit(first17) {
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0);
  return '10X98765432'[sum % 11];
}
let idSeq = (Date.now() + process.pid) % 900;
/** A valid-checksum fictitious ID number for a man born on `birth` (YYYYMMDD). */
function idNumber(birth) {
  idSeq = (idSeq + 1) % 900;
  const seq = String(100 + idSeq).padStart(3, '0');
  // An odd 17th digit: male (sex follows the ID).
  const body = `140929${birth}${seq.slice(0, 2)}${(Number(seq[2]) | 1) % 10}`;
  return body + checkDigit(body);
}

/** A name from rare-ish characters whose pinyin initials are given by the caller. */
const NAMES = {
  // 欧阳 ou yang + 翠 cui + 岭 ling → initials oycl
  oycl: '欧阳翠岭',
  // 诸葛 zhu ge + 云 yun + 峰 feng → zgyf
  zgyf: '诸葛云峰',
  // 司马 si ma + 秋 qiu + 实 shi → smqs
  smqs: '司马秋实',
};

/**
 * One Chromium for the test file: launched before its tests, closed after them. Returns a getter,
 * since the browser exists only once `before` has run.
 */
function useBrowser() {
  const { before, after } = require('node:test');
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}

module.exports = {
  BASE_URL,
  SHOTS,
  launch,
  useBrowser,
  freshPage,
  login,
  logout,
  shot,
  flash,
  alertBox,
  pagerTotal,
  idFromUrl,
  idNumber,
  NAMES,
};
