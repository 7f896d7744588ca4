/**
 * The shared test set-up keeps every spec hermetic. These tests run small probe specs, through
 * the `katas` project of a temp copy of the workbook, that reach for the network in the ways a
 * forgotten mock would, and check that vitest reports each one as a failure.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempRepo, runIn, type TempRepo } from "./test-support/temp-repo.ts";

const PROBES = `
import net from "node:net";
import { DescribeVolumesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { useMockServer } from "../../fixtures/helpers/http";

describe("probes", () => {
  it("swallows a fetch to a public host", async () => {
    await fetch("http://example.com/").catch(() => undefined);
  });
  it("swallows an unmocked AWS call", async () => {
    await new EC2Client({ maxAttempts: 1 }).send(new DescribeVolumesCommand({})).catch(() => undefined);
  });
  it("talks to a server on loopback", async () => {
    const server = net.createServer((socket) => socket.end("hi"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const reply = await new Promise<string>((resolve) => {
      net.connect(port, "127.0.0.1").on("data", (data) => resolve(String(data)));
    });
    server.close();
    expect(reply).toBe("hi");
  });
});

describe("msw probes", () => {
  useMockServer();
  it("swallows a request no msw handler answers", async () => {
    await fetch("https://api.example.test/v1/items").catch(() => undefined);
  });
});
`;

let repo: TempRepo;
let results: Map<string, { status: string; message: string }>;

beforeAll(async () => {
  repo = await makeTempRepo();
  mkdirSync(repo.path("katas/net-probe"), { recursive: true });
  writeFileSync(repo.path("katas/net-probe/net-probe.spec.ts"), PROBES);
  const report = repo.path("report.json");
  await runIn(repo.dir, "npx", [
    "vitest",
    "run",
    "--project",
    "katas",
    "katas/net-probe",
    "--reporter=json",
    `--outputFile=${report}`,
  ]);
  const json = JSON.parse(readFileSync(report, "utf8")) as {
    testResults: {
      assertionResults: { title: string; status: string; failureMessages: string[] }[];
    }[];
  };
  results = new Map(
    json.testResults.flatMap((file) =>
      file.assertionResults.map((test) => [
        test.title,
        { status: test.status, message: test.failureMessages.join("\n") },
      ]),
    ),
  );
});

afterAll(() => repo?.remove());

describe("the hermetic test set-up", () => {
  it("fails a test that reached a public host, even though the code swallowed the error", () => {
    expect(results.get("swallows a fetch to a public host")).toMatchObject({ status: "failed" });
    expect(results.get("swallows a fetch to a public host")?.message).toContain(
      "tried to reach the network (example.com:80)",
    );
  });

  it("fails a test whose AWS client was not mocked, before it reaches AWS", () => {
    const result = results.get("swallows an unmocked AWS call");
    expect(result?.status).toBe("failed");
    expect(result?.message).toMatch(
      /tried to reach the network \(ec2\.us-east-1\.amazonaws\.com:443\)/,
    );
  });

  it("fails a test whose request reached no msw handler, even though the code swallowed the error", () => {
    const result = results.get("swallows a request no msw handler answers");
    expect(result?.status).toBe("failed");
    expect(result?.message).toContain(
      "Requests reached no msw handler: GET https://api.example.test/v1/items",
    );
  });

  it("lets a test talk to a server on loopback", () => {
    expect(results.get("talks to a server on loopback")).toMatchObject({ status: "passed" });
  });
});
