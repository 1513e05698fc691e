// Versions (/models/:id/versions): save a version "v1", change the model through the API, and
// see the diff name the changed element and field.
import { expect, test } from "@playwright/test";
import {
  signUpWithTeam,
  waitForHydration,
  watchForErrors,
  watchForPolicyViolations,
} from "../support";

test("a saved version is listed with its hash and the diff shows a later change", async ({ page }) => {
  const problems = watchForErrors(page);
  const violations = await watchForPolicyViolations(page);
  const wb = await signUpWithTeam(page, "versions");
  const base = new URL(process.env.BASE_URL ?? "http://127.0.0.1:3000").origin;
  const request = page.context().request;
  const headers = { Origin: base, "X-CSRF-Token": wb.csrf };
  const created = await request.post(`${base}/api/v1/models`, {
    headers,
    data: { team_id: wb.teamId, name: "Versioned model", template: "reference" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const model = (await created.json()) as {
    id: string;
    revision: number;
    model: { elements: { id: string; name: string }[] };
  };
  const element = model.model.elements[0];

  await page.goto(`/models/${model.id}/versions`);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Versions: Versioned model");
  await expect(page.getByText("No versions yet: save one to compare later.")).toBeVisible();

  await page.getByLabel("Version name").fill("v1");
  await page.getByRole("button", { name: "Save version" }).click();
  await expect(page.getByText("Saved v1 at revision 1.")).toBeVisible();
  const table = page.getByRole("table", { name: "Saved versions" });
  const row = table.getByRole("row").filter({ hasText: "v1" });
  await expect(row).toHaveCount(1);
  const hash = row.locator("[title]").first();
  await expect(hash).toHaveAttribute("title", /^[0-9a-f]{64}$/);
  const full = (await hash.getAttribute("title"))!;
  await expect(hash).toHaveText(full.slice(0, 12));
  await expect(row.getByRole("button", { name: "Copy the content hash of v1" })).toBeEnabled();

  // A change made elsewhere (another editor, a script).
  const renamed = `${element.name} (renamed)`;
  const changed = await request.post(`${base}/api/v1/models/${model.id}/operations`, {
    headers,
    data: {
      base_revision: model.revision,
      operations: [{ op: "set_property", target: element.id, property: "name", value: renamed }],
    },
  });
  expect(changed.status(), await changed.text()).toBe(200);

  await page.getByRole("button", { name: "Compare v1 with the draft" }).click();
  const diff = page.getByTestId("diff");
  await expect(diff.getByRole("heading", { name: "Elements" })).toBeVisible();
  const elements = diff.locator('[data-section="Elements"]');
  const item = elements.getByRole("listitem").filter({ hasText: renamed });
  await expect(item).toHaveCount(1);
  await expect(item).toContainText(`(${element.id})`);
  await expect(item).toContainText(": name");

  expect(problems).toEqual([]);
  expect(await violations()).toEqual([]);
});
