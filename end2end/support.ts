// What every spec checks the same way: console errors, uncaught exceptions, failed requests
// and Content-Security-Policy violations, and the page's hydration marker.
import { expect, type Page } from "@playwright/test";

// Collects what would show a broken page: console errors, uncaught exceptions, failed
// requests (4xx and 5xx). A 401 from `GET /api/v1/me` is expected (the top bar asks it on every
// page load, and a signed-out visitor gets 401), and so are 401s from the paths in
// `expected401` (a page that sends a signed-out visitor to sign in).
export function watchForErrors(page: Page, expected401: string[] = []): string[] {
  const allowed = new Set(["/api/v1/me", ...expected401]);
  const expectedFailure = (url: string, status: number): boolean =>
    status === 401 && allowed.has(new URL(url).pathname);
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // Chromium logs every failed fetch as a console error naming the status.
    const url = message.location().url;
    const status = Number(/status of (\d{3})/.exec(message.text())?.[1] ?? 0);
    if (url && expectedFailure(url, status)) return;
    problems.push(`console: ${message.text()} (${url})`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400 && !expectedFailure(response.url(), response.status())) {
      problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
  return problems;
}

// Records Content-Security-Policy violations: hydration must work under the strict policy.
export async function watchForPolicyViolations(page: Page): Promise<() => Promise<string[]>> {
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

// Waits until the page's root says the wasm has hydrated it (its controls are enabled then).
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator("main [data-hydrated]").first()).toHaveAttribute(
    "data-hydrated",
    "true",
  );
}
