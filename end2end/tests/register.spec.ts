// The threat register (/models/:id/register) of a model made from the reference template: sort by
// severity, filter by STRIDE, filter from a heat-map cell, and download the CSV.
import { expect, test, type Page } from "@playwright/test";
import * as fs from "node:fs";
import {
  createModel,
  signUpWithTeam,
  waitForHydration,
  watchForErrors,
  watchForPolicyViolations,
} from "../support";

interface Finding {
  key: string;
  stride: string;
  severity: "low" | "medium" | "high" | "critical";
}

const SEVERITY_RANK: Record<string, number> = { Low: 0, Medium: 1, High: 2, Critical: 3 };

const STRIDE_LABEL: Record<string, string> = {
  spoofing: "Spoofing",
  tampering: "Tampering",
  repudiation: "Repudiation",
  information_disclosure: "Information disclosure",
  denial_of_service: "Denial of service",
  elevation_of_privilege: "Elevation of privilege",
};

// The texts of one column of the register's body rows (columns counted from 0).
async function column(page: Page, index: number): Promise<string[]> {
  const rows = page.getByRole("table", { name: "Threat register", exact: true }).locator("tbody tr");
  return rows.evaluateAll(
    (trs, i) => trs.map((tr) => (tr.children[i as number]?.textContent ?? "").trim()),
    index,
  );
}

// The count as the page says it: "1 threat", "2 threats".
const threatCount = (n: number): string => (n === 1 ? "1 threat" : `${n} threats`);

test("the register sorts, filters, filters from the heat map and downloads as CSV", async ({ page }) => {
  const problems = watchForErrors(page);
  const violations = await watchForPolicyViolations(page);
  const wb = await signUpWithTeam(page, "register");
  const base = new URL(process.env.BASE_URL ?? "http://127.0.0.1:3000").origin;
  const request = page.context().request;
  const id = await createModel(page, wb, "Register model", "reference");
  const threats = await request.get(`${base}/api/v1/models/${id}/threats`);
  const findings = ((await threats.json()) as { report: { findings: Finding[] } }).report.findings;
  expect(findings.length).toBeGreaterThan(0);
  const total = findings.length;

  await page.goto(`/models/${id}/register`);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Threat register: Register model");
  await expect(page.getByRole("link", { name: "Back to the editor" })).toHaveAttribute("href", `/models/${id}`);
  const count = page.getByTestId("register-count");
  await expect(count).toHaveText(threatCount(total));

  // Sorting: most severe first at first; a click on the header sorts the other way.
  const severityHeader = page.getByRole("columnheader", { name: "Severity", exact: true });
  await expect(severityHeader).toHaveAttribute("aria-sort", "descending");
  await severityHeader.getByRole("button").click();
  await expect(severityHeader).toHaveAttribute("aria-sort", "ascending");
  const severities = (await column(page, 3)).map((s) => SEVERITY_RANK[s]);
  expect(severities.every((s) => s !== undefined)).toBe(true);
  expect([...severities].sort((a, b) => a - b)).toEqual(severities);

  // Filtering by STRIDE: only that category's threats, and the count says how many.
  const stride = findings[0].stride;
  const ofStride = findings.filter((f) => f.stride === stride).length;
  await page.getByLabel("STRIDE", { exact: true }).selectOption(stride);
  await expect(count).toHaveText(ofStride === total ? threatCount(total) : `${ofStride} of ${threatCount(total)}`);
  expect(new Set(await column(page, 1))).toEqual(new Set([STRIDE_LABEL[stride]]));
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(count).toHaveText(threatCount(total));

  // A heat-map cell filters to its STRIDE category and severity.
  const cell = findings[findings.length - 1];
  const inCell = findings.filter((f) => f.stride === cell.stride && f.severity === cell.severity).length;
  const heat = page.getByTestId(`heat-${cell.stride}-${cell.severity}`);
  await expect(heat).toHaveText(String(inCell));
  await heat.click();
  await expect(heat).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel("STRIDE", { exact: true })).toHaveValue(cell.stride);
  await expect(page.getByLabel("Severity", { exact: true })).toHaveValue(cell.severity);
  await expect(count).toHaveText(inCell === total ? threatCount(total) : `${inCell} of ${threatCount(total)}`);
  expect(await column(page, 1)).toHaveLength(inCell);

  // The CSV download: its header row, and rows.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "CSV", exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/-register\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  const lines = csv.split(/\r?\n/).filter((line) => line.length > 0);
  expect(lines[0].startsWith("key,source,rule,element,element_name,stride,title,")).toBe(true);
  expect(lines[0]).toContain("content_hash");
  expect(lines.length).toBeGreaterThan(1);

  // Every export format is offered as a download.
  for (const format of ["csv", "xlsx", "json", "md", "pdf", "rampart", "threat-dragon", "otm"]) {
    await expect(page.locator(`a[download][data-format="${format}"]`)).toHaveAttribute(
      "href",
      `/api/v1/models/${id}/export?format=${format}`,
    );
  }

  expect(problems).toEqual([]);
  expect(await violations()).toEqual([]);
});
