// A viewer opens a model of a team they were invited to as a viewer: they can look, select and
// read the threats, but the editor offers no change (palette and forms disabled, a move or a
// Delete changes nothing and says why) and the model's revision stays where it was.
import { expect, test } from "@playwright/test";
import { signUpWithTeam, waitForHydration, watchForErrors } from "../support";

test("a viewer reads a model and cannot change it", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await page.goto("/");
  const owner = await signUpWithTeam(page, "owner");
  const origin = new URL(page.url()).origin;
  const ownerHeaders = { Origin: origin, "X-CSRF-Token": owner.csrf };
  const created = await page.context().request.post(`${origin}/api/v1/models`, {
    headers: ownerHeaders,
    data: { team_id: owner.teamId, name: "Read-only model", template: "reference" },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id, revision } = (await created.json()) as { id: string; revision: number };

  // The viewer: an account of its own, invited to the owner's team as a viewer.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const viewerPage = await context.newPage();
  const problems = watchForErrors(viewerPage);
  await viewerPage.goto("/");
  const viewer = await signUpWithTeam(viewerPage, "viewer");
  const invited = await page.context().request.post(`${origin}/api/v1/teams/${owner.teamId}/members`, {
    headers: ownerHeaders,
    data: { email: viewer.email, role: "viewer" },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const invitation = (await invited.json()) as { id: string };
  const accepted = await context.request.post(`${origin}/api/v1/invitations/${invitation.id}/accept`, {
    headers: { Origin: origin, "X-CSRF-Token": viewer.csrf },
  });
  expect(accepted.ok(), await accepted.text()).toBe(true);

  await viewerPage.goto(`/models/${id}`);
  await waitForHydration(viewerPage);
  await expect(viewerPage.getByTestId("save-state")).toHaveText("Read only");
  await expect(viewerPage.getByTestId("read-only")).toContainText("You can view this model but not change it");
  await expect(viewerPage.locator(".palette-item").first()).toBeDisabled();

  // Selecting works and shows the properties, disabled.
  const internet = viewerPage.locator('[data-element-id="internet"] .box');
  await internet.click();
  await viewerPage.getByRole("tab", { name: "Properties" }).click();
  await expect(viewerPage.getByLabel("Name", { exact: true })).toBeDisabled();

  // A drag moves nothing; Delete says why nothing happened.
  const before = await internet.boundingBox();
  await viewerPage.mouse.move(before!.x + 10, before!.y + 10);
  await viewerPage.mouse.down();
  await viewerPage.mouse.move(before!.x + 150, before!.y + 90, { steps: 5 });
  await viewerPage.mouse.up();
  expect(await internet.boundingBox()).toEqual(before);
  await viewerPage.getByTestId("canvas").focus();
  await viewerPage.keyboard.press("Delete");
  await expect(viewerPage.getByTestId("notice")).toContainText("You can view this model but not change it");
  await expect(viewerPage.locator('[data-element-id="internet"]')).toBeVisible();

  // The threats can be read, not decided.
  await viewerPage.getByRole("tab", { name: "Threats" }).click();
  await viewerPage.locator("[data-threat-key]").first().click();
  const details = viewerPage.getByTestId("threat-details");
  await expect(details.getByLabel("Status")).toBeDisabled();

  // Versions can be read, not saved: in the editor's tab and on the versions page.
  await viewerPage.getByRole("tab", { name: "Versions" }).click();
  await expect(viewerPage.getByTestId("versions-read-only")).toBeVisible();
  await expect(viewerPage.getByRole("button", { name: "Save version" })).toBeDisabled();
  await viewerPage.goto(`/models/${id}/versions`);
  await waitForHydration(viewerPage);
  await expect(viewerPage.getByTestId("versions-read-only")).toBeVisible();
  await expect(viewerPage.getByRole("button", { name: "Save version" })).toBeDisabled();

  // Nothing reached the server.
  const now = await context.request.get(`${origin}/api/v1/models/${id}`);
  expect(((await now.json()) as { revision: number }).revision).toBe(revision);
  expect(problems).toEqual([]);
  await context.close();
});
