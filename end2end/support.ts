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

// A fresh account of its own for a spec, signed in within `page`'s browser context, with a team
// it owns. scripts/test runs the server with open sign-up (`RAMPART_SIGNUP=open`), so specs
// never depend on one another's accounts. The answer carries what API calls need.
export interface Workbench {
  email: string;
  name: string;
  password: string;
  teamId: string;
  teamName: string;
  csrf: string;
}

let accounts = 0;

export async function signUpWithTeam(page: Page, label: string): Promise<Workbench> {
  accounts += 1;
  const stamp = `${Date.now().toString(36)}${accounts}`;
  const email = `${label}.${stamp}@example.com`;
  const name = `${label[0].toUpperCase()}${label.slice(1)} ${stamp}`;
  const password = `quartz-Meadow-${stamp}-lantern`;
  const origin = new URL(page.url() === "about:blank" ? (process.env.BASE_URL ?? "http://127.0.0.1:3000") : page.url()).origin;
  const request = page.context().request;
  const csrfAnswer = await request.get(`${origin}/api/v1/auth/csrf`);
  expect(csrfAnswer.status()).toBe(200);
  const { token } = (await csrfAnswer.json()) as { token: string };
  const signedUp = await request.post(`${origin}/api/v1/auth/signup`, {
    headers: { Origin: origin, "X-CSRF-Token": token },
    data: { email, name, password },
  });
  expect(signedUp.status(), await signedUp.text()).toBe(201);
  const { csrf_token: csrf } = (await signedUp.json()) as { csrf_token: string };
  const teamName = `${name}'s team`;
  const team = await request.post(`${origin}/api/v1/teams`, {
    headers: { Origin: origin, "X-CSRF-Token": csrf },
    data: { name: teamName },
  });
  expect(team.status(), await team.text()).toBe(201);
  const { id: teamId } = (await team.json()) as { id: string };
  return { email, name, password, teamId, teamName, csrf };
}

// A model of `wb`'s team made through the API, blank or from the reference template; its id.
export async function createModel(
  page: Page,
  wb: Workbench,
  name: string,
  template?: "reference",
): Promise<string> {
  const base = new URL(process.env.BASE_URL ?? "http://127.0.0.1:3000").origin;
  const answer = await page.context().request.post(`${base}/api/v1/models`, {
    headers: { Origin: base, "X-CSRF-Token": wb.csrf },
    data: { team_id: wb.teamId, name, ...(template ? { template } : {}) },
  });
  expect(answer.status(), await answer.text()).toBe(201);
  return ((await answer.json()) as { id: string }).id;
}
