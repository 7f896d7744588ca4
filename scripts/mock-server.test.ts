/**
 * The shared msw server behaves like a real fetch where specs rely on it: cancelling an unread
 * body settles (msw 2 alone hangs there, see fixtures/helpers/http.ts), and a body that is read
 * still arrives whole.
 */
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { useMockServer } from "../fixtures/helpers/http";

const URL = "https://api.example.test/v1/things";

describe("useMockServer", () => {
  const server = useMockServer();

  it("lets code cancel an error body it will not read, as on a real fetch", async () => {
    server.use(http.get(URL, () => HttpResponse.json({ message: "slow down" }, { status: 429 })));
    const response = await fetch(URL);
    const cancelled = response.body?.cancel().then(() => "settled");
    const timeout = new Promise((resolve) => setTimeout(resolve, 2_000, "still pending"));
    expect(await Promise.race([cancelled, timeout])).toBe("settled");
  });

  it("still hands over the whole body to code that reads it", async () => {
    server.use(http.get(URL, () => HttpResponse.json({ items: [1, 2, 3] })));
    const response = await fetch(URL);
    expect(await response.json()).toEqual({ items: [1, 2, 3] });
  });

  it("hands over a streamed body whole too", async () => {
    // A body msw is still writing when the response is handed over (the AWS SDK reads XML so).
    server.use(
      http.get(URL, () => {
        const encoder = new TextEncoder();
        const stream = new ReadableStream({
          async start(controller) {
            for (const part of ["<a>", "<b/>", "</a>"]) {
              await new Promise((resolve) => setTimeout(resolve, 5));
              controller.enqueue(encoder.encode(part));
            }
            controller.close();
          },
        });
        return new HttpResponse(stream, { headers: { "Content-Type": "text/xml" } });
      }),
    );
    const response = await fetch(URL);
    expect(await response.text()).toBe("<a><b/></a>");
  });
});
