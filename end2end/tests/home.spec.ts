import { expect, test, type Page } from "@playwright/test";

// Collects what would show a broken page: console errors, uncaught exceptions, failed
// requests for our own assets.
function watchForErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  return problems;
}

// Records Content-Security-Policy violations: hydration must work under the strict policy.
async function watchForPolicyViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  return () =>
    page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

test("the home page renders on the server and becomes interactive", async ({ page }) => {
  const problems = watchForErrors(page);
  const violations = await watchForPolicyViolations(page);
  await page.goto("/");

  await expect(page).toHaveTitle("Rampart");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Rampart");
  await expect(page.locator(".lead")).toContainText("threat");

  // Hydration: the scorer flips its marker and enables its inputs once the wasm is attached.
  const scorer = page.locator("section.scorer");
  await expect(scorer).toHaveAttribute("data-hydrated", "true");
  const risk = page.locator("#dread-risk");
  const severity = page.locator("#dread-severity");
  await expect(risk).toHaveText("5.0");
  await expect(severity).toHaveText("Medium");

  // Mouse-free use: keyboard on a slider.
  const damage = page.getByLabel("Damage");
  await expect(damage).toBeEnabled();
  await damage.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
  await expect(damage).toHaveValue("10");
  await expect(risk).toHaveText("6.0");
  await expect(severity).toHaveText("High");

  await page.getByLabel("Reproducibility").fill("10");
  await page.getByLabel("Exploitability").fill("10");
  await expect(risk).toHaveText("8.0");
  await expect(severity).toHaveText("Critical");
  await expect(severity).toHaveClass(/critical/);

  await page.getByRole("button", { name: "Reset" }).click();
  await expect(risk).toHaveText("5.0");
  await expect(damage).toHaveValue("5");

  expect(problems).toEqual([]);
  expect(await violations()).toEqual([]);
});

test("an unknown address shows the not-found page with status 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await page.getByRole("link", { name: "Back to the start page" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator("section.scorer")).toHaveAttribute("data-hydrated", "true");
});
