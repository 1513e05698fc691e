// The editor benchmark (not a test): builds a 500-element model through the API, opens it in
// Debian's Chromium and reports
//   - the bytes fetched (as transferred, i.e. compressed) to reach the rendered model,
//   - the time to produce each frame while one element is dragged across the canvas (p50, p95,
//     max): from the pointer event's handler to the end of the frame that shows it, with the
//     frame rate uncapped (no vsync), so the figure is the work a frame takes and not the wait
//     for the display's refresh; and the intervals between frames at 60 Hz (dropped frames),
//   - the time from an edit to the updated threat panel (delete and undo, 10 times each).
//
// Usage: node bench/editor.mjs http://127.0.0.1:3000
// The server must run with open sign-up (RAMPART_SIGNUP=open); the release build is the one to
// measure. Nothing is asserted: the figures are printed for the closing notes.
import { createRequire } from "node:module";

const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const ELEMENTS = 500;

// 5 VPCs with 2 subnets each, one cluster with 10 namespaces of 40 workloads, an internet and
// the rest data stores; flows chain workloads and reach the stores.
function syntheticModel() {
  const elements = [{ id: "internet", name: "Internet", kind: { type: "internet" } }];
  const flows = [];
  for (let v = 0; v < 5; v++) {
    elements.push({ id: `vpc-${v}`, name: `VPC ${v}`, kind: { type: "vpc", flow_logs: v % 2 === 0 } });
    for (let s = 0; s < 2; s++) {
      elements.push({ id: `subnet-${v}-${s}`, name: `Subnet ${v}.${s}`, kind: { type: "subnet" }, parent: `vpc-${v}` });
    }
  }
  elements.push({ id: "cluster", name: "Cluster", kind: { type: "kubernetes_cluster", cni: "calico" }, parent: "subnet-0-0" });
  const workloads = [];
  for (let n = 0; n < 10; n++) {
    elements.push({ id: `ns-${n}`, name: `Namespace ${n}`, kind: { type: "namespace", network_policy: n % 3 === 0 ? "default_deny" : "none" }, parent: "cluster" });
    for (let w = 0; w < 40; w++) {
      const id = `wl-${n}-${w}`;
      workloads.push(id);
      elements.push({ id, name: `Workload ${n}.${w}`, kind: { type: "workload", sidecar: w % 2 === 0 }, parent: `ns-${n}` });
    }
  }
  let store = 0;
  while (elements.length < ELEMENTS) {
    elements.push({ id: `db-${store}`, name: `Store ${store}`, kind: { type: "data_store" }, parent: `subnet-${store % 5}-1` });
    store++;
  }
  flows.push({ id: "f-in", source: "internet", target: workloads[0], protocol: "https", port: 443 });
  for (let i = 1; i < workloads.length; i += 2) {
    flows.push({ id: `f-${i}`, source: workloads[i - 1], target: workloads[i], protocol: "grpc", port: 8443 });
  }
  for (let s = 0; s < store; s++) {
    flows.push({ id: `f-db-${s}`, source: workloads[s * 5], target: `db-${s}`, protocol: "postgres", port: 5432 });
  }
  return { schema: "rampart/1", name: "Benchmark (500 elements)", elements, flows };
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
const launch = (extra = []) =>
  chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...flags, ...extra] });
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await context.newPage();

// An account, a team and the model, through the API.
const stamp = Date.now().toString(36);
let response = await context.request.get(`${base}/api/v1/auth/csrf`);
let { token } = await response.json();
response = await context.request.post(`${base}/api/v1/auth/signup`, {
  headers: { Origin: base, "X-CSRF-Token": token },
  data: { email: `bench.${stamp}@example.com`, name: "Bench", password: `quartz-Meadow-${stamp}-lantern` },
});
if (response.status() !== 201) throw new Error(`sign-up: ${response.status()} ${await response.text()}`);
const csrf = (await response.json()).csrf_token;
response = await context.request.post(`${base}/api/v1/teams`, { headers: { Origin: base, "X-CSRF-Token": csrf }, data: { name: "Bench" } });
const team = (await response.json()).id;
response = await context.request.post(`${base}/api/v1/models`, {
  headers: { Origin: base, "X-CSRF-Token": csrf },
  data: { team_id: team, name: "Benchmark", model: syntheticModel() },
});
if (response.status() !== 201) throw new Error(`model: ${response.status()} ${await response.text()}`);
const id = (await response.json()).id;

// First visit places the elements and saves the layout; measure the second, a cold cache
// each time (no-store API answers; static files revalidate).
await page.goto(`${base}/models/${id}`);
await page.locator('.editor-page[data-hydrated="true"]').waitFor();
await page.locator("[data-element-id]").nth(ELEMENTS - 1).waitFor();
await page.getByTestId("save-state").filter({ hasText: "All changes saved" }).waitFor({ timeout: 60_000 });

const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 }, storageState: await context.storageState() });
const view = await fresh.newPage();
const cdp = await fresh.newCDPSession(view);
await cdp.send("Network.enable");
let transferred = 0;
const byType = {};
const types = new Map();
cdp.on("Network.responseReceived", (e) => types.set(e.requestId, e.type));
cdp.on("Network.loadingFinished", (e) => {
  transferred += e.encodedDataLength;
  const t = types.get(e.requestId) ?? "Other";
  byType[t] = (byType[t] ?? 0) + e.encodedDataLength;
});
const t0 = Date.now();
await view.goto(`${base}/models/${id}`);
await view.locator("[data-element-id]").nth(ELEMENTS - 1).waitFor({ timeout: 60_000 });
const renderMs = Date.now() - t0;
const fetched = transferred;

// Drags one data store across the canvas in 120 pointer moves. Returns the intervals between
// animation frames during the drag, and for each move the time from its handler to the end of
// the frame that shows it (a message posted from the frame's animation callback runs once the
// frame's style, layout and paint are done): the main thread's work for that frame.
async function drag(page) {
  // Start from a settled page: saved, and the browser idle after loading and rendering.
  await page.getByTestId("save-state").filter({ hasText: "All changes saved" }).waitFor({ timeout: 60_000 });
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 5000 })));
  const box = await page.locator('[data-element-id="db-0"] .box').boundingBox();
  await page.evaluate(() => {
    window.__frames = [];
    window.__costs = [];
    let last = performance.now();
    const tick = (t) => {
      window.__frames.push(t - last);
      last = t;
      if (window.__recording) requestAnimationFrame(tick);
    };
    window.__recording = true;
    requestAnimationFrame(tick);
    window.__onMove = (e) => {
      if (!window.__recording || e.buttons === 0) return;
      // Continuous input is dispatched at the start of a frame, so the frame begins here.
      const started = performance.now();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => window.__costs.push(performance.now() - started);
        channel.port2.postMessage(null);
      });
    };
    document.addEventListener("pointermove", window.__onMove, { capture: true });
  });
  // Pressed at the box's centre: fitted to the screen, 500 elements make small boxes, and a
  // press beside one would pan, or select a flow, and drag nothing.
  const [x0, y0] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 120; i++) {
    await page.mouse.move(x0 + i * 5, y0 + i * 2);
  }
  await page.mouse.up();
  // The drag must have moved the box (else it measured a pointer passing over the diagram).
  const moved = await page.locator('[data-element-id="db-0"] .box').boundingBox();
  if (Math.abs(moved.x - box.x) < 100) throw new Error(`the drag did not move db-0: ${JSON.stringify([box, moved])}`);
  const { frames, costs } = await page.evaluate(() => {
    window.__recording = false;
    document.removeEventListener("pointermove", window.__onMove, { capture: true });
    return { frames: window.__frames.slice(1), costs: window.__costs };
  });
  await page.getByTestId("save-state").filter({ hasText: "All changes saved" }).waitFor({ timeout: 60_000 });
  return { frames: frames.sort((a, b) => a - b), costs: costs.sort((a, b) => a - b) };
}

// At the display's rate (60 Hz) here; uncapped, in a browser without vsync, at the end.
const { frames } = await drag(view);

// Edit to panel: delete a namespace with its threats listed, then undo; each time until the
// threat count changes.
await view.getByRole("tab", { name: "Threats" }).click();
const latencies = [];
for (let i = 0; i < 10; i++) {
  for (const key of ["Delete", "Control+z"]) {
    if (key === "Delete") {
      await view.locator('[data-element-id="ns-1"] .title').click({ force: true });
      await view.getByRole("tab", { name: "Threats" }).click();
    }
    const before = await view.getByTestId("threat-count").textContent();
    const started = await view.evaluate(() => {
      window.__changed = new Promise((resolve) => {
        const el = document.querySelector('[data-testid="threat-count"]');
        new MutationObserver(() => resolve(performance.now())).observe(el, { childList: true, subtree: true, characterData: true });
      });
      return performance.now();
    });
    await view.keyboard.press(key);
    const ended = await view.evaluate(() => window.__changed);
    const after = await view.getByTestId("threat-count").textContent();
    if (after !== before) latencies.push(ended - started);
  }
}
latencies.sort((a, b) => a - b);
await view.getByTestId("save-state").filter({ hasText: "All changes saved" }).waitFor({ timeout: 60_000 });

const uncapped = await launch(["--disable-gpu-vsync", "--disable-frame-rate-limit"]);
const unCtx = await uncapped.newContext({ viewport: { width: 1440, height: 900 }, storageState: await context.storageState() });
const unPage = await unCtx.newPage();
await unPage.goto(`${base}/models/${id}`);
await unPage.locator('.editor-page[data-hydrated="true"]').waitFor();
await unPage.locator("[data-element-id]").nth(ELEMENTS - 1).waitFor({ timeout: 60_000 });
const { costs } = await drag(unPage);
await uncapped.close();

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(`model: ${ELEMENTS} elements`);
console.log(`fetched to reach the rendered model: ${kb(fetched)} (${Object.entries(byType).map(([t, n]) => `${t} ${kb(n)}`).join(", ")}); rendered in ${renderMs} ms`);
const stats = (xs) => `p50 ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, max ${xs[xs.length - 1]?.toFixed(1)} ms`;
console.log(`drag, time to produce a frame (uncapped, ${costs.length} moves): ${stats(costs)}`);
console.log(`drag, interval between frames at 60 Hz (${frames.length} frames): ${stats(frames)}`);
console.log(`edit to threat panel: ${latencies.length} edits; p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p95 ${quantile(latencies, 0.95).toFixed(1)} ms`);
await browser.close();
