import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

// Debian's Chromium (apt-get install chromium), driven by playwright-core.
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Screenshots of the pages under test land here (under run/, which git ignores); the README names this folder.
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../run/screenshots');

export function chromiumInstalled(): boolean {
  return fs.existsSync(CHROMIUM);
}

// In a describe's before(): skips the suite when Chromium is missing, unless REQUIRE_BROWSER (set by .ci/run) says
// it must run.
export function requireBrowser(suite: Mocha.Context): void {
  if (chromiumInstalled()) return;
  if (process.env.REQUIRE_BROWSER) throw new Error(`the browser tests need Chromium at ${CHROMIUM} (apt-get install chromium)`);
  suite.skip();
}

// Headless Chromium as this machine runs it: no sandbox (root), no GPU, and none of the background connections a
// closed network refuses; a fresh profile each time.
export async function launchBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cilicl-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
    ],
  });
  browser.on('disconnected', () => fs.rmSync(profile, { recursive: true, force: true }));
  return browser;
}

// Saves a full-page screenshot as SCREENSHOT_DIR/<name>.png and checks it is not blank: a page that drew nothing
// (one colour everywhere) fails. Answers the file's path.
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  // Counted in the page itself: how many distinct colours a downscaled copy of the picture holds.
  const colours = await page.evaluate(async (data: string) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 200;
    canvas.height = Math.max(1, Math.round(200 * image.height / image.width));
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set<string>();
    for (let i = 0; i < pixels.length; i += 4) seen.add(`${pixels[i]},${pixels[i + 1]},${pixels[i + 2]}`);
    return seen.size;
  }, fs.readFileSync(file).toString('base64'));
  if (colours < 16) throw new Error(`the screenshot ${file} is blank (${colours} colours)`);
  return file;
}
