// The dev console's Messages view in a real browser (chromium via playwright-core): codes
// appear live without a reload, the full message opens on click (HTML in a sandboxed frame),
// the filters, the copy button, clearing the inbox, and narrow screens.
import { ResendConfirmationCodeCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CONTRAST_FAILURES,
  countIs,
  launchBrowser,
  shotPath,
  type TestBrowser,
  textIs,
} from "../helpers/browser.js";
import { makePool, PASSWORD, type PoolAndClient } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

describe("dev console: messages", () => {
  let s: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let shop: PoolAndClient;
  let staff: PoolAndClient;

  const signUp = (p: PoolAndClient, username: string, email: string) =>
    s.sdk.send(
      new SignUpCommand({
        ClientId: p.clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );

  beforeAll(async () => {
    s = await startServer();
    shop = await makePool(s.sdk, {
      PoolName: "shop",
      VerificationMessageTemplate: {
        EmailSubject: "Welcome to the shop",
        // The script must not run anywhere: the page shows email bodies in a sandboxed frame.
        EmailMessage:
          '<h2>Welcome!</h2><p>Your code is <b>{####}</b>.</p><script>document.body.setAttribute("data-ran", "yes"); parent.document.title = "pwned";</script>',
      },
    });
    staff = await makePool(s.sdk, { PoolName: "staff" });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(8000);
    await page.goto(`${s.url}/_dev/`);
    await page.waitForSelector('#live[data-state="live"]');
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it("shows the code of a user signed up through the SDK, live, without a reload", async () => {
    await page.locator("#messages-empty").waitFor();
    // Marks this document: a reload would lose the mark.
    await page.evaluate("window.marked = true");
    await signUp(shop, "ivy", "ivy@example.com");
    const code = await s.inbox.code("ivy", shop.poolId);
    const item = page.locator(".msg", { has: page.locator(`[data-code="${code}"]`) });
    await item.waitFor({ timeout: 5000 });
    expect(await page.evaluate("window.marked")).toBe(true);
    await textIs(item.locator(".msg-user"), "ivy");
    const facts = await item.locator(".msg-facts").textContent();
    expect(facts).toContain("CustomMessage_SignUp");
    expect(facts).toContain(shop.poolId);
    expect(facts).toContain("shop");
    expect(facts).toContain("sent");
    expect(await item.locator(".msg-dest").textContent()).toBe("ivy@example.com");
    expect(await item.locator(".badge-email").textContent()).toBe("EMAIL");
    // Screen readers hear about it (aria-live), code included.
    await textIs(
      page.locator("#announcer"),
      `New message: EMAIL to ivy@example.com for ivy, code ${code.split("").join(" ")}`,
    );
    // Large type: the code is the biggest text on the card.
    const size = Number.parseFloat(
      String(
        await page.evaluate(`getComputedStyle(document.querySelector('[data-code="${code}"]')).fontSize`),
      ),
    );
    expect(size).toBeGreaterThanOrEqual(28);
  });

  it("lists newest first and updates again on the next message", async () => {
    await s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: shop.clientId, Username: "ivy" }));
    const latest = await s.inbox.latest({ username: "ivy" });
    await page.locator(`.msg[data-id="${latest?.id}"]`).waitFor({ timeout: 5000 });
    const firstId = await page.locator(".msg").first().getAttribute("data-id");
    expect(firstId).toBe(latest?.id);
    expect(await page.locator(".msg").first().locator(".msg-facts").textContent()).toContain(
      "CustomMessage_ResendCode",
    );
    expect(await page.locator(".msg").count()).toBe(2);
  });

  it("opens the full subject and body on click; the HTML body runs no script", async () => {
    const item = page.locator(".msg").first();
    const toggle = item.locator(".msg-more button");
    expect(await toggle.textContent()).toBe("Show full message");
    await toggle.click();
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    expect(await toggle.textContent()).toBe("Hide full message");
    const body = item.locator(".msg-body");
    expect(await body.locator("dl").textContent()).toContain("Welcome to the shop");
    const frame = body.locator("iframe");
    expect(await frame.getAttribute("sandbox")).toBe("");
    const code = (await item.locator(".code").textContent()) ?? "missing";
    const inner = page.frameLocator(".msg-body iframe").first();
    await textIs(inner.locator("b"), code);
    expect(await inner.locator("body").getAttribute("data-ran")).toBeNull();
    expect(await page.title()).toBe("Cognate dev console");
    await page.screenshot({ path: shotPath("messages-detail"), fullPage: true, animations: "disabled" });
    await toggle.click();
    expect(await item.locator(".msg-body").count()).toBe(0);
  });

  it("copies the code with the copy button", async () => {
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: s.url });
    const item = page.locator(".msg").first();
    const code = (await item.locator(".code").textContent()) ?? "missing";
    await item.getByRole("button", { name: `Copy code ${code} for ivy` }).click();
    await textIs(item.getByRole("button", { name: `Copy code ${code} for ivy` }), "Copied");
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(code);
  });

  it("filters by pool, user and destination", async () => {
    await signUp(shop, "jack", "jack@example.com");
    await signUp(staff, "ivy", "ivy@staff.example.com");
    await signUp(staff, "kim", "kim@staff.example.com");
    await countIs(page.locator(".msg"), 5);
    await page.screenshot({ path: shotPath("messages"), fullPage: true, animations: "disabled" });
    // Readable: every text meets WCAG AA contrast.
    expect(await page.evaluate(CONTRAST_FAILURES)).toEqual([]);

    await page.locator("#view-messages").getByLabel("Pool").selectOption(staff.poolId);
    await countIs(page.locator(".msg"), 2);
    expect(await page.locator(".msg .msg-facts").allTextContents()).toEqual([
      expect.stringContaining(staff.poolId),
      expect.stringContaining(staff.poolId),
    ]);

    await page.locator("#view-messages").getByLabel("User").fill("ivy");
    await countIs(page.locator(".msg"), 1);
    expect(await page.locator(".msg .msg-dest").textContent()).toBe("ivy@staff.example.com");

    await page.getByRole("button", { name: "Clear filters" }).click();
    await countIs(page.locator(".msg"), 5);

    await page.locator("#view-messages").getByLabel("Destination").fill("jack@example.com");
    await countIs(page.locator(".msg"), 1);
    expect(await page.locator(".msg .msg-user").textContent()).toBe("jack");
    // A message for someone else arriving meanwhile does not slip past the filter.
    await signUp(staff, "lee", "lee@staff.example.com");
    await page.waitForTimeout(1500);
    await countIs(page.locator(".msg"), 1);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await countIs(page.locator(".msg"), 6);
  });

  it("works at a phone's width", async () => {
    const narrow = await browser.context.newPage();
    await narrow.setViewportSize({ width: 380, height: 800 });
    await narrow.goto(`${s.url}/_dev/`);
    await narrow.locator(".msg").first().waitFor();
    // Nothing sticks out sideways.
    const overflow = await narrow.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow as number).toBeLessThanOrEqual(0);
    const code = narrow.locator(".msg .code").first();
    const box = await code.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(380);
    await narrow.screenshot({ path: shotPath("messages-narrow"), fullPage: false, animations: "disabled" });
    await narrow.close();
  });

  it("clears the inbox after a confirmation step", async () => {
    await page.getByRole("button", { name: "Clear inbox…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await s.inbox.list()).length).toBe(6);
    await page.getByRole("button", { name: "Clear inbox…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Clear inbox" }).click();
    await countIs(page.locator(".msg"), 0);
    expect(await s.inbox.list()).toEqual([]);
    await page.locator("#messages-empty").waitFor();
    // And it stays live: the next message still shows up.
    await signUp(shop, "max", "max@example.com");
    await countIs(page.locator(".msg"), 1);
  });
});
