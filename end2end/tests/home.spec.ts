import { expect, test } from "@playwright/test";
import { watchForErrors, watchForPolicyViolations } from "../support";

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
