// Issue 5: the API reference at /api, rendered by Rampart from /api/v1/openapi.json, for anyone
// (no sign-in). The operation that applies edits shows its request body's fields, the filter
// narrows the operations, and schema links lead to the schema. No console error, failed request
// or CSP violation on the way.
import { expect, test } from "@playwright/test";
import { waitForHydration, watchForErrors, watchForPolicyViolations } from "../support";

test("the API reference renders the OpenAPI document, filters it and links its schemas", async ({
  page,
}) => {
  const problems = watchForErrors(page);
  const violations = await watchForPolicyViolations(page);

  await page.goto("/api");
  await waitForHydration(page);
  await expect(page).toHaveTitle("API reference · Rampart");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("API reference");
  await expect(page.getByRole("link", { name: "Download openapi.json" })).toHaveAttribute(
    "href",
    "/api/v1/openapi.json",
  );
  // The top bar links here for signed-out visitors too.
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API" }))
    .toHaveAttribute("aria-current", "page");

  // The edit operation, with its request body's fields.
  const apply = page.locator("article.api-op", {
    has: page.getByRole("heading", { name: "POST /models/{id}/operations", exact: true }),
  });
  await expect(apply).toHaveCount(1);
  await expect(apply.getByRole("cell", { name: "base_revision", exact: true })).toBeVisible();
  await expect(apply.getByRole("link", { name: "OperationBatch", exact: true })).toBeVisible();

  // The filter: "tokens" leaves the token operations only.
  const operations = page.locator("article.api-op");
  const total = await operations.count();
  const filter = page.getByLabel("Filter operations");
  await expect(filter).toBeEnabled();
  await filter.fill("tokens");
  const visible = page.locator("article.api-op:visible");
  await expect(visible.first()).toBeVisible();
  const shown = await visible.count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(total);
  for (const heading of await visible.locator("h4").allTextContents()) {
    expect(heading).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/tokens\b/);
  }
  await expect(apply).toBeHidden();
  await expect(page.getByTestId("api-count")).toHaveText(`${shown} of ${total} operations match.`);

  // Clearing the filter brings everything back; keyboard only.
  await filter.press("Control+A");
  await filter.press("Backspace");
  await expect(visible).toHaveCount(total);

  // A schema link leads to the schema: `Operation`, a oneOf tagged by `op`.
  await apply.getByRole("link", { name: "Operation", exact: true }).first().click();
  await expect(page).toHaveURL(/\/api#schema-Operation$/);
  const schema = page.locator("#schema-Operation");
  await expect(schema).toBeInViewport();
  await expect(schema.getByRole("heading", { level: 3 })).toHaveText("Operation");
  await expect(schema.locator(".api-variant-title").first()).toContainText('op: "');

  // An operation's anchor works as a link from elsewhere, once the document has loaded.
  await page.goto("/api#op-apply_operations");
  await waitForHydration(page);
  await expect(page.locator("#op-apply_operations")).toBeInViewport();

  expect(problems).toEqual([]);
  expect(await violations()).toEqual([]);
});
