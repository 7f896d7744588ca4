import { describe, expect, it } from "vitest";
import { HttpResponse, http } from "msw";
import { useMockServer } from "../../fixtures/helpers/http";
import { apiToSqlite } from "./api-to-sqlite";

// TODO(scaffold): answer the requests the kata makes, as the real API does (look it up).
const API = "https://api.example.test";
const server = useMockServer(http.get(API + "/health", () => HttpResponse.json({ status: "ok" })));
void server;

describe("step 1 — the simplest case", () => {
  // TODO(scaffold): the tests, in steps from simple to hard (CONTRIBUTING.md, "The spec").
  it("returns what the README promises", () => {
    expect(apiToSqlite("input")).toBe("the expected output");
  });
});
