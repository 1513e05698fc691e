// Issue 4's acceptance flow in the browser: the first administrator is created through the
// setup link, signs out and in again, creates a team and invites a member by e-mail; the
// invitee signs up through the invitation link in a second browser; the owner changes the
// member's role and sees it. No console error, failed request or CSP violation on the way.
import { expect, test, type Page } from "@playwright/test";
import { waitForHydration, watchForErrors, watchForPolicyViolations } from "../support";

// scripts/test reads the setup link from the server's standard error (it is printed once, at
// the first start of a server without accounts) and passes it here.
const setupUrl = process.env.RAMPART_E2E_SETUP_URL;

const admin = {
  email: "ada.admin@example.com",
  name: "Ada Admin",
  password: "tundra-Quill-58-harbour-fen",
};
const member = {
  email: "mel.member@example.com",
  name: "Mel Member",
  password: "mosaic-Lantern-73-orbit-dune",
};

async function signedInAs(page: Page, name: string): Promise<void> {
  await expect(page.getByTestId("signed-in-as")).toContainText(name);
}

test("setup, sign-in, a team, an invitation accepted by sign-up, and a role change", async ({
  page,
  browser,
}) => {
  // Password hashing (argon2id at OWASP parameters) runs several times in this flow.
  test.setTimeout(120_000);
  expect(setupUrl, "RAMPART_E2E_SETUP_URL must hold the server's setup link").toMatch(
    /\/setup#token=./,
  );

  const problems = watchForErrors(page);
  const violations = await watchForPolicyViolations(page);

  // The first administrator, through the setup link; the page signs in afterwards.
  await page.goto(setupUrl!);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Set up Rampart");
  await page.getByLabel("E-mail address").fill(admin.email);
  await page.getByLabel("Name").fill(admin.name);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page).toHaveURL(/\/models$/);
  await signedInAs(page, admin.name);
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();

  // Sign out, then in again, submitting with Enter.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel("E-mail address").fill(admin.email);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByLabel("Password").press("Enter");
  await expect(page).toHaveURL(/\/models$/);
  await signedInAs(page, admin.name);

  // A team; creating it leads to its page.
  await page.getByRole("link", { name: "Teams", exact: true }).click();
  await expect(page).toHaveURL(/\/teams$/);
  await waitForHydration(page);
  await page.getByLabel("Team name").fill("Payments");
  await page.getByRole("button", { name: "Create team" }).click();
  await expect(page).toHaveURL(/\/teams\/[0-9a-f-]{36}$/);
  const teamUrl = page.url();
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Payments");
  await expect(page.getByTestId("my-role")).toHaveText("Your role: Owner");

  // An invitation by e-mail: its link is shown to copy.
  await page.getByLabel("E-mail address").fill(member.email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Invite" }).click();
  const linkField = page.getByLabel("Invitation link");
  await expect(linkField).toHaveValue(/\/invitations#token=./);
  const invitationLink = await linkField.inputValue();
  await expect(page.getByRole("table", { name: "Pending invitations" })).toContainText(
    member.email,
  );

  // The invitee, in a browser of their own, signs up through the link.
  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  const inviteeProblems = watchForErrors(invitee);
  const inviteeViolations = await watchForPolicyViolations(invitee);
  await invitee.goto(invitationLink);
  await waitForHydration(invitee);
  await expect(invitee.getByText("You are invited to join Payments as Viewer.")).toBeVisible();
  await expect(invitee.getByRole("link", { name: "Sign in to accept" })).toBeVisible();
  await invitee.getByRole("link", { name: "Create an account" }).click();
  await expect(invitee).toHaveURL(/\/signup#invitation=./);
  await waitForHydration(invitee);
  await expect(invitee.getByLabel("E-mail address")).toHaveValue(member.email);
  await invitee.getByLabel("Name").fill(member.name);
  await invitee.getByLabel("Password").fill(member.password);
  await invitee.getByRole("button", { name: "Create account" }).click();
  await expect(invitee).toHaveURL(/\/models$/);
  await signedInAs(invitee, member.name);
  await expect(invitee.getByRole("heading", { name: "Payments" })).toBeVisible();
  await expect(invitee.getByRole("link", { name: "Admin" })).toHaveCount(0);

  // The owner sees the new member, changes the role, and sees the change after a reload.
  await page.reload();
  await waitForHydration(page);
  const role = page.getByLabel(`Role of ${member.name}`);
  await expect(role).toHaveValue("viewer");
  await role.selectOption("editor");
  await expect(page.getByText(`${member.name} is now Editor.`)).toBeVisible();
  await page.goto(teamUrl);
  await waitForHydration(page);
  await expect(page.getByLabel(`Role of ${member.name}`)).toHaveValue("editor");
  await expect(page.getByRole("table", { name: "Pending invitations" })).toHaveCount(0);

  // The member sees the new role too.
  await invitee.goto(teamUrl);
  await waitForHydration(invitee);
  await expect(invitee.getByTestId("my-role")).toHaveText("Your role: Editor");

  // The administrator's views: the audit log and the accounts.
  await page.getByRole("link", { name: "Audit" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await waitForHydration(page);
  await expect(page.locator("table.audit")).toContainText("auth.signin");
  await page.getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await waitForHydration(page);
  await expect(page.locator(`tr[data-user="${member.email}"]`)).toContainText("Active");

  expect(problems).toEqual([]);
  expect(await violations()).toEqual([]);
  expect(inviteeProblems).toEqual([]);
  expect(await inviteeViolations()).toEqual([]);
  await inviteeContext.close();

  // A page that needs a user sends a signed-out visitor to sign in, and back afterwards.
  const laterContext = await browser.newContext();
  const later = await laterContext.newPage();
  const laterProblems = watchForErrors(later, ["/api/v1/me/sessions", "/api/v1/tokens"]);
  const laterViolations = await watchForPolicyViolations(later);
  await later.goto("/account");
  await expect(later).toHaveURL(/\/signin#next=%2Faccount$/);
  await waitForHydration(later);
  await later.getByLabel("E-mail address").fill(member.email);
  await later.getByLabel("Password").fill(member.password);
  await later.getByRole("button", { name: "Sign in" }).click();
  await expect(later).toHaveURL(/\/account$/);
  await signedInAs(later, member.name);
  await expect(later.getByRole("table", { name: "Your sessions" })).toContainText("This browser");
  expect(laterProblems).toEqual([]);
  expect(await laterViolations()).toEqual([]);
  await laterContext.close();
});
