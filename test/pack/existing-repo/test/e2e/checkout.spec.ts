// End-to-end test of the checkout, run against `docker compose up` (Playwright style, double quotes as the app writes them).
import { test, expect } from "@playwright/test";

test("an order placed through the shop reaches the orders API", async ({ request }) => {
  const created = await request.post("http://127.0.0.1:8080/api/orders", { data: { product: 1 } });
  expect(created.status()).toBe(201);
  const list = await request.get("http://127.0.0.1:8080/api/orders");
  expect((await list.json()).length).toBeGreaterThan(0);
});
