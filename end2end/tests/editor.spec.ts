// Issue 7's editor journeys in the browser: a model from the template; a namespace dragged into
// the cluster and a workload into it; the namespace's missing-policy threat appearing and
// going away with default deny; a flow drawn across a boundary without TLS and its threat; a
// threat scored and accepted; a threat of one's own; everything still there after a reload;
// a move undone and redone; and two browsers editing at once without losing an edit.
import { expect, test, type Locator, type Page } from "@playwright/test";
import {
  createModel,
  signUpWithTeam,
  waitForHydration,
  watchForErrors,
  watchForPolicyViolations,
} from "../support";

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  expect(box, "the element is on screen").not.toBeNull();
  return { x: box!.x + box!.width / 2, y: box!.y + box!.height / 2 };
}

// A point on element `id` where nothing else is drawn on top (no child, no flow): a free spot
// to drop onto or to click.
async function spotOn(page: Page, id: string): Promise<{ x: number; y: number }> {
  return page.evaluate((id) => {
    const shape = document.querySelector(`[data-element-id="${id}"] .frame, [data-element-id="${id}"] .box`)!;
    const outer = shape.getBoundingClientRect();
    for (let y = outer.bottom - 8; y > outer.top + 4; y -= 4) {
      for (let x = outer.right - 8; x > outer.left + 8; x -= 4) {
        const ok = [[0, 0], [-5, -5], [5, 5], [-5, 5], [5, -5]].every(([dx, dy]) => {
          const hit = document.elementFromPoint(x + dx, y + dy);
          return hit?.closest("[data-element-id]")?.getAttribute("data-element-id") === id;
        });
        if (ok) return { x, y };
      }
    }
    throw new Error(`no free spot on ${id}`);
  }, id);
}

async function dropFromPalette(page: Page, label: string, at: { x: number; y: number }): Promise<void> {
  const canvas = page.getByTestId("canvas");
  const box = (await canvas.boundingBox())!;
  await page
    .getByRole("button", { name: label, exact: true })
    .dragTo(canvas, { targetPosition: { x: at.x - box.x, y: at.y - box.y } });
}

async function saved(page: Page): Promise<void> {
  await expect(page.getByTestId("save-state")).toHaveText("All changes saved");
}

async function threatsTab(page: Page): Promise<void> {
  await page.getByRole("tab", { name: "Threats" }).click();
}

test("draw, see threats, decide, reload, undo and redo", async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const problems = watchForErrors(page);
  const violations = await watchForPolicyViolations(page);
  await page.goto("/");
  await signUpWithTeam(page, "drawer");

  // A model from the reference template, through the dashboard.
  await page.goto("/models");
  await waitForHydration(page);
  await page.locator("#new-model-name").fill("Payments platform");
  await page.getByLabel("Reference architecture").check();
  await page.getByRole("button", { name: "Create model" }).click();
  await expect(page).toHaveURL(/\/models\/[0-9a-f-]{36}$/);
  await waitForHydration(page);
  await expect(page.locator(".toolbar .model-name")).toHaveText("Payments platform");
  await saved(page);

  // A namespace dropped into the cluster, then a workload into the namespace.
  const cluster = page.locator("g.k-kubernetes_cluster").first();
  const clusterId = (await cluster.getAttribute("data-element-id"))!;
  await dropFromPalette(page, "Namespace", await spotOn(page, clusterId));
  const namespace = page.locator('[data-element-id="namespace-1"]');
  await expect(namespace).toBeVisible();
  await dropFromPalette(page, "Workload", await spotOn(page, "namespace-1"));
  const workload = page.locator('[data-element-id="workload-1"]');
  await expect(workload).toBeVisible();
  await saved(page);

  // The new namespace has no default-deny policy: its threat is listed.
  const nsThreat = page.locator('[data-threat-key="k8s.namespace-without-default-deny:namespace-1"]');
  await threatsTab(page);
  await expect(nsThreat).toBeVisible();
  // The workload landed inside the namespace, so the "outside a namespace" rule is quiet.
  await expect(page.locator('[data-threat-key="k8s.workload-outside-namespace:workload-1"]')).toHaveCount(0);

  // Default deny makes it go.
  const onNamespace = await spotOn(page, "namespace-1");
  await page.mouse.click(onNamespace.x, onNamespace.y);
  await page.getByLabel("Network policy").selectOption("default_deny");
  await threatsTab(page);
  await expect(nsThreat).toHaveCount(0);
  await saved(page);

  // A flow from the internet to the workload: it crosses boundaries without TLS.
  const internet = page.locator("g.k-internet").first();
  const onInternetNode = await spotOn(page, "internet");
  await page.mouse.move(onInternetNode.x, onInternetNode.y);
  const handle = await centre(internet.locator(".handle"));
  const target = await spotOn(page, "workload-1");
  await page.mouse.move(handle.x, handle.y);
  await page.mouse.down();
  await page.mouse.move((handle.x + target.x) / 2, (handle.y + target.y) / 2, { steps: 4 });
  await page.mouse.move(target.x, target.y, { steps: 4 });
  await page.mouse.up();
  await expect(page.locator('[data-flow-id="flow-1"]')).toBeVisible();
  await expect(page.getByLabel("Encryption")).toHaveValue("none");
  await threatsTab(page);
  const tlsThreat = page.locator('[data-threat-key="flow.boundary-crossing-without-tls:flow-1"]');
  await expect(tlsThreat).toBeVisible();

  // Score it with DREAD and accept it with a justification.
  await tlsThreat.click();
  const details = page.getByTestId("threat-details");
  await expect(details).toContainText("Flow crosses a trust boundary unencrypted");
  await details.getByLabel("Override the score").check();
  await details.getByLabel("Damage").fill("3");
  await details.getByLabel("Exploitability").fill("2");
  await details.getByLabel("Status").selectOption("accepted");
  await details.getByRole("button", { name: "Save decision" }).click();
  await expect(details.getByText("A threat marked accepted needs a justification.")).toBeVisible();
  await details.getByLabel("Justification (required)").fill("Terminated by the WAF in front; demo traffic only.");
  await details.getByLabel("Owner").fill("Platform team");
  await details.getByRole("button", { name: "Save decision" }).click();
  await expect(details.getByText("Decision saved.")).toBeVisible();
  await expect(tlsThreat).toContainText("Accepted");

  // A threat of one's own on the workload.
  await page.getByText("Add a threat of your own").click();
  await page.getByLabel("About").selectOption("workload-1");
  await page.getByLabel("Title").fill("Secrets mounted as environment variables");
  await page.getByLabel("STRIDE category").selectOption("information_disclosure");
  await page.getByRole("button", { name: "Add threat" }).click();
  const own = page.locator('[data-threat-key="user:threat-1"]');
  await expect(own).toContainText("Secrets mounted as environment variables");
  await saved(page);

  // Everything is still there after a reload.
  await page.reload();
  await waitForHydration(page);
  await expect(namespace).toBeVisible();
  await expect(workload).toBeVisible();
  await expect(page.locator('[data-flow-id="flow-1"]')).toBeVisible();
  await threatsTab(page);
  await expect(tlsThreat).toContainText("Accepted");
  await expect(own).toBeVisible();
  await expect(nsThreat).toHaveCount(0);

  // Undo and redo a move made with the mouse.
  const before = await workload.getAttribute("transform");
  const from = await spotOn(page, "workload-1");
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 40, from.y + 30, { steps: 5 });
  // Mid-drag, a copy in the lift layer follows the pointer (moved by a CSS transform, so the
  // diagram is not repainted) while the box itself waits, hidden, where it was.
  const lift = page.getByTestId("lift-layer");
  await expect(lift.locator(".el")).toHaveCount(1);
  await expect(workload).toHaveClass(/\blifted\b/);
  await expect(workload).toHaveAttribute("transform", before!);
  const shift = await lift.evaluate((el) => getComputedStyle(el).transform);
  expect(shift).toMatch(/^matrix\(1, 0, 0, 1, [1-9][\d.]*, [1-9][\d.]*\)$/);
  await page.mouse.up();
  await expect(lift.locator(".el")).toHaveCount(0);
  await expect(workload).not.toHaveClass(/\blifted\b/);
  await expect(workload).not.toHaveAttribute("transform", before!);
  const moved = await workload.getAttribute("transform");
  await page.getByTestId("canvas").focus();
  await page.keyboard.press("Control+z");
  await expect(workload).toHaveAttribute("transform", before!);
  await page.keyboard.press("Control+Shift+z");
  await expect(workload).toHaveAttribute("transform", moved!);
  await saved(page);

  expect(problems).toEqual([]);
  expect(await violations()).toEqual([]);

  // Loaded at its address (the reload above), the editor ran on the editor's own bundle. A
  // link to another page loads that page from the server, with the whole application's.
  const bundles = () =>
    page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .map((entry) => new URL(entry.name).pathname)
        .filter((path) => path.startsWith("/pkg/") && path.endsWith(".wasm")),
    );
  expect(await bundles()).toEqual(["/pkg/rampart-editor.wasm"]);
  await page.getByRole("link", { name: "Register", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Threat register: /);
  await waitForHydration(page);
  expect(await bundles()).toEqual(["/pkg/rampart.wasm"]);
  await expect(page.getByRole("table", { name: "Threat register", exact: true })).toBeVisible();
  expect(problems).toEqual([]);
});

test("two browsers editing one model never lose an edit", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const problems = watchForErrors(page);
  await page.goto("/");
  const me = await signUpWithTeam(page, "first");
  const origin = new URL(page.url()).origin;
  const id = await createModel(page, me, "Shared model", "reference");

  // The second browser is the same person in another window (a second session).
  const other = await browser.newContext();
  const second = await other.newPage();
  const secondProblems = watchForErrors(second, ["/api/v1/auth/signin"]);
  await second.goto("/signin");
  await waitForHydration(second);
  await second.getByLabel("E-mail address").fill(me.email);
  await second.getByLabel("Password").fill(me.password);
  await second.getByRole("button", { name: "Sign in" }).click();
  await expect(second.getByTestId("signed-in-as")).toBeVisible();

  await page.goto(`/models/${id}`);
  await waitForHydration(page);
  await saved(page);
  await second.goto(`/models/${id}`);
  await waitForHydration(second);
  await saved(second);

  // The first renames the internet element; the second, still on the older revision, moves it.
  const onInternet = await spotOn(page, "internet");
  await page.mouse.click(onInternet.x, onInternet.y);
  await page.getByLabel("Name", { exact: true }).fill("Public internet");
  await page.getByLabel("Name", { exact: true }).press("Tab");
  await saved(page);

  const onPayments = await spotOn(second, "payments");
  await second.mouse.click(onPayments.x, onPayments.y);
  await second.getByTestId("canvas").focus();
  await second.keyboard.press("ArrowDown");
  await expect(second.getByTestId("notice")).toContainText("Someone else changed this model meanwhile");
  await expect(second.getByTestId("notice")).toContainText("re-applied");
  await saved(second);
  // The second sees the first's rename, and the server has both edits.
  await expect(second.locator('[data-element-id="internet"] .name')).toHaveText("Public internet");
  const model = await page.context().request.get(`${origin}/api/v1/models/${id}`);
  const body = (await model.json()) as {
    revision: number;
    model: { elements: { id: string; name: string; geometry?: { y: number } }[] };
  };
  const internet = body.model.elements.find((e) => e.id === "internet")!;
  expect(internet.name).toBe("Public internet");
  const history = await page.context().request.get(`${origin}/api/v1/models/${id}/history`);
  expect(await history.text()).toContain("moved element payments");

  await other.close();
  expect(problems.filter((p) => !p.includes("409"))).toEqual([]);
  expect(secondProblems.filter((p) => !p.includes("409"))).toEqual([]);
});

test("a model's address opened signed out leads through sign-in back to the model", async ({ page, browser }) => {
  await page.goto("/");
  const me = await signUpWithTeam(page, "linked");
  const id = await createModel(page, me, "Linked model", "reference");

  // A link to the model followed in a browser that is not signed in: the editor's bundle
  // finds no session and hands over to the sign-in page, loaded from the server.
  const context = await browser.newContext();
  const visitor = await context.newPage();
  const problems = watchForErrors(visitor, [`/api/v1/models/${id}`]);
  await visitor.goto(`/models/${id}`);
  await expect(visitor).toHaveURL(new RegExp(`/signin#next=%2Fmodels%2F${id}$`));
  await waitForHydration(visitor);
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Sign in");
  await visitor.getByLabel("E-mail address").fill(me.email);
  await visitor.getByLabel("Password").fill(me.password);
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor).toHaveURL(new RegExp(`/models/${id}$`));
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText("Linked model");
  await expect(visitor.locator('[data-element-id="internet"]')).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
});
