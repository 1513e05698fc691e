// The dashboard (/models): a model created from the reference template is listed with its open
// threat counts; a Threat Dragon file imported with the file button shows its warnings; a model
// deleted to the trash comes back with Restore. Each test has an account and team of its own.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  createModel,
  signUpWithTeam,
  waitForHydration,
  watchForErrors,
  watchForPolicyViolations,
} from "../support";

const threatDragonSample = path.join(
  __dirname,
  "..",
  "..",
  "interop",
  "tests",
  "samples",
  "OWASP__threat-dragon__v2-threat-model.json",
);

interface Summary {
  id: string;
  name: string;
  open_by_severity: { low: number; medium: number; high: number; critical: number };
}

function origin(page: Page): string {
  return new URL(page.url()).origin;
}

async function listModels(request: APIRequestContext, base: string, teamId: string): Promise<Summary[]> {
  const answer = await request.get(`${base}/api/v1/models?team_id=${teamId}`);
  expect(answer.status()).toBe(200);
  return ((await answer.json()) as { models: Summary[] }).models;
}

async function openDashboard(page: Page): Promise<void> {
  await page.goto("/models");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Models");
}

function modelRow(page: Page, name: string) {
  return page
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name, exact: true }) });
}

test("a model from the reference template is listed with its open threats", async ({ page }) => {
  const problems = watchForErrors(page);
  const violations = await watchForPolicyViolations(page);
  const wb = await signUpWithTeam(page, "dash");
  await openDashboard(page);
  await expect(page.getByRole("heading", { name: wb.teamName })).toBeVisible();
  await expect(page.getByText("No models yet.")).toBeVisible();

  const form = page.getByRole("form", { name: "New model" });
  await expect(form.getByLabel("Team")).toHaveValue(wb.teamId);
  await form.getByLabel("Name").fill("Shop platform");
  await form.getByLabel("Reference architecture").check();
  await form.getByRole("button", { name: "Create model" }).click();
  // The new model opens in the editor.
  await expect(page).toHaveURL(/\/models\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").pop()!;

  const [summary] = (await listModels(page.context().request, origin(page), wb.teamId)).filter(
    (m) => m.id === id,
  );
  expect(summary).toBeTruthy();
  await openDashboard(page);
  const row = modelRow(page, "Shop platform");
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("link", { name: "Shop platform", exact: true })).toHaveAttribute("href", `/models/${id}`);
  await expect(row.getByTestId("open-critical")).toHaveText(String(summary.open_by_severity.critical));
  await expect(row.getByTestId("open-high")).toHaveText(String(summary.open_by_severity.high));
  const total = Object.values(summary.open_by_severity).reduce((a, b) => a + b, 0);
  await expect(row.getByRole("img")).toHaveAccessibleName(
    total === 0 ? "No open threats" : /^Open threats: \d+ critical, \d+ high/,
  );
  await expect(row.getByRole("link", { name: "Register of Shop platform" })).toBeVisible();

  // The search narrows the list, and says so when nothing matches.
  await page.getByLabel("Search models").fill("no such model");
  await expect(page.getByText("No model of this team matches the search.")).toBeVisible();
  await page.getByLabel("Search models").fill("shop");
  await expect(modelRow(page, "Shop platform")).toHaveCount(1);

  expect(problems).toEqual([]);
  expect(await violations()).toEqual([]);
});

test("a Threat Dragon file imported with the file button shows its warnings", async ({ page }) => {
  const problems = watchForErrors(page);
  const violations = await watchForPolicyViolations(page);
  await signUpWithTeam(page, "importer");
  await openDashboard(page);
  expect(fs.existsSync(threatDragonSample)).toBe(true);

  const form = page.getByRole("form", { name: "Import a file" });
  await form.getByLabel("File to import").setInputFiles(threatDragonSample);
  // The format is recognised from the content.
  await expect(form.getByLabel("Format")).toHaveValue("threat-dragon");
  await expect(form.getByText("(format recognised)")).toBeVisible();
  await form.getByRole("button", { name: "Import", exact: true }).click();

  const result = page.getByTestId("import-result");
  await expect(result).toContainText("Imported");
  await expect(result).toContainText("warnings:");
  const warnings = result.getByRole("list", { name: "Import warnings" }).getByRole("listitem");
  expect(await warnings.count()).toBeGreaterThan(0);
  const link = result.getByRole("link");
  await expect(link).toHaveAttribute("href", /^\/models\/[0-9a-f-]{36}$/);
  const name = (await link.textContent())!.trim();
  await expect(modelRow(page, name)).toHaveCount(1);

  expect(problems).toEqual([]);
  expect(await violations()).toEqual([]);
});

test("a model deleted to the trash comes back with Restore", async ({ page }) => {
  const problems = watchForErrors(page);
  const violations = await watchForPolicyViolations(page);
  const wb = await signUpWithTeam(page, "trasher");
  await createModel(page, wb, "Old model");
  await openDashboard(page);
  await expect(modelRow(page, "Old model")).toHaveCount(1);

  await page.getByRole("button", { name: "Delete Old model" }).click();
  // A confirmation in place; Cancel keeps the model.
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(modelRow(page, "Old model")).toHaveCount(1);
  await page.getByRole("button", { name: "Delete Old model" }).click();
  await page.getByRole("button", { name: "Move to trash" }).click();
  await expect(modelRow(page, "Old model")).toHaveCount(0);
  await expect(page.getByText("No models yet.")).toBeVisible();

  await page.getByText("Trash", { exact: true }).click();
  await page.getByRole("button", { name: "Restore Old model" }).click();
  await expect(page.getByText("Old model is back.")).toBeVisible();
  await expect(modelRow(page, "Old model")).toHaveCount(1);
  await expect(page.getByText("The trash is empty.")).toBeVisible();

  expect(problems).toEqual([]);
  expect(await violations()).toEqual([]);
});
