// Screenshots of the editor with the reference architecture, for the README:
// node bench/screenshots.mjs http://127.0.0.1:3000 docs/screenshots/editor-light.png light
import { createRequire } from "node:module";

const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const base = process.argv[2]; const out = process.argv[3] ?? "/tmp/shots/editor.png"; const scheme = process.argv[4] ?? "light";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless=new", "--no-sandbox", "--disable-gpu"] });
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: scheme });
const page = await context.newPage();
page.on("console", (m) => { if (m.type() === "error") console.log("console:", m.text()); });
const stamp = Date.now().toString(36);
let r = await context.request.get(`${base}/api/v1/auth/csrf`); const { token } = await r.json();
r = await context.request.post(`${base}/api/v1/auth/signup`, { headers: { Origin: base, "X-CSRF-Token": token }, data: { email: `shot.${stamp}@example.com`, name: "Ada Architect", password: `quartz-Meadow-${stamp}-lantern` } });
const csrf = (await r.json()).csrf_token;
r = await context.request.post(`${base}/api/v1/teams`, { headers: { Origin: base, "X-CSRF-Token": csrf }, data: { name: "Platform security" } });
const team = (await r.json()).id;
r = await context.request.post(`${base}/api/v1/models`, { headers: { Origin: base, "X-CSRF-Token": csrf }, data: { team_id: team, name: "Reference architecture", template: "reference" } });
const id = (await r.json()).id;
await page.goto(`${base}/models/${id}`);
await page.locator('.editor-page[data-hydrated="true"]').waitFor();
await page.locator("[data-element-id]").first().waitFor();
await page.waitForTimeout(800);
await page.screenshot({ path: out });
await browser.close();
