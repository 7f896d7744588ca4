import { describe, expect, it } from "vitest";
import { type Finding, isBlocking, lintPolicy, matchesAction } from "./iam-policy-lint";

// The README's table of issue codes and their finding types, written out here on purpose: the
// spec does not read the expected values from the module it tests.
const TYPE_OF = {
  INVALID_JSON: "ERROR",
  MALFORMED_POLICY: "ERROR",
  MISSING_VERSION: "WARNING",
  INVALID_VERSION: "ERROR",
  OLD_VERSION: "WARNING",
  MISSING_STATEMENT: "ERROR",
  MALFORMED_STATEMENT: "ERROR",
  INVALID_ACTION: "ERROR",
  INVALID_CONDITION_OPERATOR: "ERROR",
  WILDCARD_ACTION: "SECURITY_WARNING",
  SERVICE_WILDCARD_ACTION: "WARNING",
  ALLOW_WITH_NOT_ACTION: "SECURITY_WARNING",
  WILDCARD_RESOURCE: "WARNING",
  ALLOW_WITH_NOT_RESOURCE: "SECURITY_WARNING",
  PRIVILEGE_ESCALATION: "SECURITY_WARNING",
} as const;
type Code = keyof typeof TYPE_OF;

/** The finding expected at a statement (or at the policy, statementIndex null). */
function finding(
  code: Code,
  statementIndex: number | null = 0,
  detail: string | null = null,
  sid: string | null = null,
): Finding {
  return { code, type: TYPE_OF[code], statementIndex, sid, detail };
}
const policyLevel = (code: Code, detail: string | null = null) => finding(code, null, detail);

const VERSION = "2012-10-17";
/** A policy of the current version with these statements. */
const policy = (...Statement: unknown[]) => ({ Version: VERSION, Statement });
/** Lints a policy made of these statements. */
const lint = (...statements: unknown[]) => lintPolicy(policy(...statements));
const codes = (findings: Finding[]) => findings.map((found) => found.code);

const BUCKET = "arn:aws:s3:::reports-bucket/*";
const ALICE = "arn:aws:iam::123456789012:user/alice";
/** A condition that keeps escalation findings out of tests about something else. */
const MFA = { Bool: { "aws:MultiFactorAuthPresent": "true" } };

const allow = (extra: Record<string, unknown>) => ({ Effect: "Allow", ...extra });
const deny = (extra: Record<string, unknown>) => ({ Effect: "Deny", ...extra });

describe("step 1 — matching action names", () => {
  it("matches an action written exactly as the pattern", () => {
    expect(matchesAction("iam:PassRole", "iam:PassRole")).toBe(true);
    expect(matchesAction("iam:PassRole", "iam:GetRole")).toBe(false);
  });

  it("ignores letter case on both sides, as IAM does for action names", () => {
    expect(matchesAction("IAM:passrole", "iam:PassRole")).toBe(true);
    expect(matchesAction("iam:PassRole", "IAM:PASSROLE")).toBe(true);
  });

  it("lets * stand for any run of characters, none included", () => {
    expect(matchesAction("iam:Pass*", "iam:PassRole")).toBe(true);
    expect(matchesAction("iam:PassRole*", "iam:PassRole"), "* may match nothing").toBe(true);
    expect(matchesAction("iam:*Role", "iam:PassRole")).toBe(true);
    expect(matchesAction("*", "sts:AssumeRole")).toBe(true);
    expect(matchesAction("*Role", "iam:PassRole"), "* runs across the colon").toBe(true);
    expect(matchesAction("s3:Get*", "s3:PutObject")).toBe(false);
  });

  it("lets ? stand for exactly one character", () => {
    expect(matchesAction("iam:P?ssRole", "iam:PassRole")).toBe(true);
    expect(matchesAction("iam:P?ssRole", "iam:PssRole"), "? is not optional").toBe(false);
    expect(matchesAction("iam:P?ssRole", "iam:PaassRole"), "? is one character").toBe(false);
  });

  it("matches the whole name, not a part of it", () => {
    expect(matchesAction("iam:Pass", "iam:PassRole")).toBe(false);
    expect(matchesAction("am:PassRole", "iam:PassRole")).toBe(false);
    expect(matchesAction("iam:PassRole", "iam:PassRoleToService")).toBe(false);
  });

  it("takes every other character literally", () => {
    expect(matchesAction("iam.PassRole", "iamXPassRole"), "a dot is a dot").toBe(false);
    expect(matchesAction("s3:Get.+", "s3:GetObject")).toBe(false);
    expect(matchesAction("s3:Get.+", "s3:Get.+")).toBe(true);
    expect(matchesAction("iam:(Pass)Role", "iam:PassRole")).toBe(false);
    expect(matchesAction("ssm-contacts:List*", "ssm-contacts:ListContacts")).toBe(true);
    expect(matchesAction("a^$[]{}|\\b", "a^$[]{}|\\b"), "regex syntax, literally").toBe(true);
    expect(matchesAction("a[bc]", "ab")).toBe(false);
    expect(matchesAction("a|b", "a")).toBe(false);
  });

  it("counts a character as one code point, and lets the wildcards match line breaks", () => {
    expect(matchesAction("s3:?", "s3:\u{1F600}"), "an emoji is one character").toBe(true);
    expect(matchesAction("s3:??", "s3:\u{1F600}"), "not two").toBe(false);
    expect(matchesAction("iam:P?ss", "iam:P\nss"), "? matches a line break").toBe(true);
    expect(matchesAction("iam:*", "iam:Pass\nRole"), "* runs across line breaks").toBe(true);
  });

  it("ignores letter case by simple case folding, one code point for one (not by lower-casing)", () => {
    expect(matchesAction("s3:\u017F", "s3:s"), "ſ folds to s").toBe(true);
    expect(matchesAction("s3:s", "S3:\u017F"), "on both sides").toBe(true);
    expect(matchesAction("s3:?", "s3:\u0130"), "İ is one character, whatever its case").toBe(true);
    expect(matchesAction("s3:Get?", "s3:GET\u0130"), "also next to other letters").toBe(true);
  });
});

describe("step 2 — reading the document", () => {
  const clean = {
    Version: VERSION,
    Statement: [{ Sid: "ReadReports", Effect: "Allow", Action: "s3:GetObject", Resource: BUCKET }],
  };

  it("finds nothing in a clean policy given as JSON text", () => {
    expect(lintPolicy(JSON.stringify(clean))).toEqual([]);
  });

  it("takes an already parsed document as well", () => {
    expect(lintPolicy(clean)).toEqual([]);
  });

  it("reads a Statement given as a single object as statement 0, with its Sid", () => {
    const document = {
      Version: VERSION,
      Statement: {
        Sid: "Everything",
        Effect: "Allow",
        Action: "*",
        Resource: BUCKET,
        Condition: MFA,
      },
    };

    expect(lintPolicy(document)).toEqual([finding("WILDCARD_ACTION", 0, null, "Everything")]);
  });

  it("numbers the statements of an array from 0, and gives null for a missing or non-string Sid", () => {
    const findings = lint(
      allow({ Sid: "Fine", Action: "s3:GetObject", Resource: BUCKET }),
      allow({ Action: "*", Resource: BUCKET, Condition: MFA }),
      allow({ Sid: 42, Action: "*", Resource: BUCKET, Condition: MFA }),
      allow({ Sid: "Admin", Action: "*", Resource: BUCKET, Condition: MFA }),
    );

    expect(findings).toEqual([
      finding("WILDCARD_ACTION", 1),
      finding("WILDCARD_ACTION", 2),
      finding("WILDCARD_ACTION", 3, null, "Admin"),
    ]);
  });

  it('keeps an empty Sid as the sid: "" is a string', () => {
    const findings = lint(allow({ Sid: "", Action: "*", Resource: BUCKET, Condition: MFA }));

    expect(findings).toEqual([finding("WILDCARD_ACTION", 0, null, "")]);
  });

  it("parses the text as it is, with no URL decoding", () => {
    const statement = { Action: "*", Resource: BUCKET, Condition: MFA };
    const text = JSON.stringify(
      policy(allow({ Sid: "Half%", ...statement }), allow({ Sid: "Read%41", ...statement })),
    );

    expect(lintPolicy(text)).toEqual([
      finding("WILDCARD_ACTION", 0, null, "Half%"),
      finding("WILDCARD_ACTION", 1, null, "Read%41"),
    ]);
    const encoded = encodeURIComponent(JSON.stringify(clean));
    let message = "";
    try {
      JSON.parse(encoded);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(lintPolicy(encoded), "URL-encoded text is not JSON").toEqual([
      policyLevel("INVALID_JSON", message),
    ]);
  });

  it("reports text that is not JSON as INVALID_JSON with the parser's message, and nothing else", () => {
    const text = '{"Version": "2012-10-17", "Statement": [';
    let message = "";
    try {
      JSON.parse(text);
    } catch (error) {
      message = (error as Error).message;
    }

    expect(lintPolicy(text)).toEqual([policyLevel("INVALID_JSON", message)]);
    expect(codes(lintPolicy(""))).toEqual(["INVALID_JSON"]);
  });

  it("does not strip a leading byte-order mark: the text is parsed as it is, so it is INVALID_JSON", () => {
    const text = `\uFEFF${JSON.stringify(policy(allow({ Action: "*", Resource: BUCKET })))}`;
    let message = "";
    try {
      JSON.parse(text);
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message, "JSON.parse itself refuses a leading U+FEFF").not.toBe("");
    expect(
      lintPolicy(text),
      "a BOM is part of the text, and JSON.parse refuses it: INVALID_JSON with the parser's message, nothing linted",
    ).toEqual([policyLevel("INVALID_JSON", message)]);
  });

  it.each([
    ["an array", "[]"],
    ["null", "null"],
    ["a string", '"Allow everything"'],
    ["a number", "42"],
    [
      "a string holding a policy's JSON (parsed once, never twice)",
      JSON.stringify(JSON.stringify({ Version: VERSION, Statement: [] })),
    ],
  ])("reports JSON that is %s rather than an object as MALFORMED_POLICY only", (_, text) => {
    expect(lintPolicy(text)).toEqual([policyLevel("MALFORMED_POLICY")]);
  });

  it("reports an already parsed value that is not an object as MALFORMED_POLICY, without throwing", () => {
    for (const value of [null, undefined, [policy()], 42]) {
      expect(lintPolicy(value), `for ${JSON.stringify(value)}`).toEqual([
        policyLevel("MALFORMED_POLICY"),
      ]);
    }
  });

  it("reports a missing Version as a warning and still lints the statements", () => {
    const findings = lintPolicy({
      Statement: [allow({ Action: "*", Resource: BUCKET, Condition: MFA })],
    });

    expect(findings).toEqual([policyLevel("MISSING_VERSION"), finding("WILDCARD_ACTION", 0)]);
  });

  it("reports the 2008-10-17 version as OLD_VERSION (policy variables do not work there)", () => {
    const findings = lintPolicy({
      ...policy(allow({ Action: "s3:GetObject", Resource: BUCKET })),
      Version: "2008-10-17",
    });

    expect(findings).toEqual([policyLevel("OLD_VERSION")]);
  });

  it.each([["2012-10-18"], ["2012-10-17 "], ["2012-10-17T00:00:00Z"], [2012], [null], [undefined]])(
    "reports the version %j as INVALID_VERSION",
    (Version) => {
      const findings = lintPolicy({
        ...policy(allow({ Action: "s3:GetObject", Resource: BUCKET })),
        Version,
      });

      expect(findings).toEqual([policyLevel("INVALID_VERSION")]);
    },
  );

  it.each([
    ["INVALID_VERSION", "2012-10-18"],
    ["OLD_VERSION", "2008-10-17"],
  ] as const)("reports %s first and still lints the statements after it", (code, Version) => {
    const findings = lintPolicy({
      Version,
      Statement: [
        allow({ Action: "s3:GetObject", Resource: BUCKET }),
        allow({ Action: "*", Resource: BUCKET, Condition: MFA }),
      ],
    });

    expect(findings).toEqual([policyLevel(code), finding("WILDCARD_ACTION", 1)]);
  });

  it("reports a missing or empty Statement as MISSING_STATEMENT, after the version findings", () => {
    expect(lintPolicy({ Version: VERSION })).toEqual([policyLevel("MISSING_STATEMENT")]);
    expect(lintPolicy({ Version: VERSION, Statement: [] })).toEqual([
      policyLevel("MISSING_STATEMENT"),
    ]);
    expect(lintPolicy({})).toEqual([
      policyLevel("MISSING_VERSION"),
      policyLevel("MISSING_STATEMENT"),
    ]);
  });

  it("reads an empty Statement object as statement 0 (malformed), not as a missing Statement", () => {
    expect(
      lintPolicy({ Version: VERSION, Statement: {} }),
      "only no Statement or an empty array is MISSING_STATEMENT; {} is one statement without an Effect",
    ).toEqual([finding("MALFORMED_STATEMENT", 0, "Effect")]);
  });

  it.each([["text"], [5], [null], [true], [undefined]])(
    "reports a Statement that is %j, neither an object nor an array, as MALFORMED_POLICY",
    (Statement) => {
      expect(lintPolicy({ Version: VERSION, Statement })).toEqual([
        policyLevel("MALFORMED_POLICY"),
      ]);
      expect(lintPolicy({ Statement })).toEqual([
        policyLevel("MISSING_VERSION"),
        policyLevel("MALFORMED_POLICY"),
      ]);
    },
  );
});

describe("step 3 — malformed statements", () => {
  const malformed = (index: number, element: string, sid: string | null = null) =>
    finding("MALFORMED_STATEMENT", index, element, sid);

  it("reports a statement that is not an object, and goes on with the next ones", () => {
    const findings = lint(
      "Allow s3:GetObject",
      ["Effect", "Allow"],
      null,
      allow({ Action: "*", Resource: BUCKET, Condition: MFA }),
    );

    expect(findings).toEqual([
      malformed(0, "Statement"),
      malformed(1, "Statement"),
      malformed(2, "Statement"),
      finding("WILDCARD_ACTION", 3),
    ]);
  });

  it.each([[undefined], ["allow"], ["ALLOW"], ["Permit"], [true]])(
    "reports the Effect %j (only Allow and Deny, in that case, are valid)",
    (Effect) => {
      const statement = { Sid: "Broken", Effect, Action: "s3:GetObject", Resource: BUCKET };

      expect(lint(statement)).toEqual([malformed(0, "Effect", "Broken")]);
    },
  );

  it.each([
    ["both Action and NotAction", { Action: "s3:GetObject", NotAction: "s3:PutObject" }],
    ["neither Action nor NotAction", {}],
    ["an empty Action list", { Action: [] }],
    ["an Action that is a number", { Action: 5 }],
    ["an Action list with a number in it", { Action: ["s3:GetObject", 5] }],
    ["an empty NotAction list", { NotAction: [] }],
    ["a NotAction that is an object", { NotAction: { s3: "GetObject" } }],
    [
      "an Action of null beside a valid NotAction (both are present)",
      {
        Action: null,
        NotAction: "s3:DeleteBucket",
      },
    ],
    ["a lone Action of null", { Action: null }],
  ])("reports %s, naming the Action element", (_, actions) => {
    expect(lint(allow({ ...actions, Resource: BUCKET }))).toEqual([malformed(0, "Action")]);
  });

  it.each([
    ["both Resource and NotResource", { Resource: BUCKET, NotResource: ALICE }],
    ["neither Resource nor NotResource nor Principal", {}],
    ["an empty Resource list", { Resource: [] }],
    ["a NotResource that is a number", { NotResource: 7 }],
    ["a Resource list with null in it", { Resource: [BUCKET, null] }],
    [
      "a NotResource of null beside a valid Resource (both are present)",
      {
        Resource: BUCKET,
        NotResource: null,
      },
    ],
  ])("reports %s, naming the Resource element", (_, resources) => {
    expect(lint(allow({ Action: "s3:GetObject", ...resources }))).toEqual([
      malformed(0, "Resource"),
    ]);
  });

  it("accepts a statement with a Principal and no Resource (a role's trust policy)", () => {
    const trust = allow({ Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
    const notPrincipal = deny({ NotPrincipal: { AWS: ALICE }, Action: "s3:*" });

    expect(lint(trust, notPrincipal)).toEqual([]);
  });

  it.each([
    ["a Principal of null", { Principal: null }],
    ['a Principal of ""', { Principal: "" }],
    ["a Principal of 0", { Principal: 0 }],
    ["a NotPrincipal of null", { NotPrincipal: null }],
    ["a NotPrincipal of false", { NotPrincipal: false }],
  ])("counts %s as present: no Resource is then not malformed", (_, principal) => {
    expect(
      lint(allow({ Action: "s3:GetObject", ...principal })),
      "an element is present when its key is in the object, whatever its value: a statement with a Principal (or NotPrincipal) key needs no Resource",
    ).toEqual([]);
  });

  it.each([
    ["a string", "aws:SecureTransport"],
    ["an array", [{ Bool: { "aws:SecureTransport": "true" } }]],
    ["null", null],
    ["an operator whose value is a string", { StringEquals: "aws:username" }],
    ["an operator whose value is an array", { StringEquals: ["aws:username"] }],
    ["an operator whose value is null", { StringEquals: null }],
  ])("reports a Condition that is %s", (_, Condition) => {
    expect(lint(allow({ Action: "s3:GetObject", Resource: BUCKET, Condition }))).toEqual([
      malformed(0, "Condition"),
    ]);
  });

  it("does not check what is under a condition key (a list of values is fine)", () => {
    const findings = lint(
      allow({
        Action: "iam:CreateAccessKey",
        Resource: ALICE,
        Condition: {
          StringEquals: { "aws:username": ["alice", "bob"], "aws:PrincipalTag/x": null },
        },
      }),
    );

    expect(findings, "a valid condition, so no escalation either").toEqual([]);
  });

  it("names the first broken element, in the order Effect, Action, Resource, Condition", () => {
    const findings = lint(
      { Effect: "allow", Resource: BUCKET },
      allow({ Action: [], NotResource: [] }),
      allow({ Action: "s3:GetObject", Condition: "none" }),
    );

    expect(findings).toEqual([
      malformed(0, "Effect"),
      malformed(1, "Action"),
      malformed(2, "Resource"),
    ]);
  });

  it("reports nothing else about a malformed statement", () => {
    expect(lint({ Effect: "Allow", Action: "*", Resource: "*", Condition: "MFA" })).toEqual([
      malformed(0, "Condition"),
    ]);
  });

  it("reports no INVALID_ACTION in a statement found malformed later, at Resource or Condition", () => {
    const findings = lint(
      allow({ Action: ["s3:Get_Object", "s3:GetObject"], Resource: 42 }),
      allow({ Action: "s3:Get_Object", Resource: BUCKET, Condition: [] }),
      allow({ Action: "s3:Get_Object" }),
    );

    expect(
      findings,
      "a malformed statement gets only its MALFORMED_STATEMENT, even when an action entry is invalid",
    ).toEqual([malformed(0, "Resource"), malformed(1, "Condition"), malformed(2, "Resource")]);
  });

  it("accepts one colon only: an entry with a second one is invalid", () => {
    const entries = ["s3:Get:Object", "iam:Pass:*", "s3:GetObject:", "s3:GetObject"];
    const findings = lint(allow({ Action: entries, Resource: BUCKET }));

    expect(
      findings,
      "service:name has exactly one colon: each entry with two is INVALID_ACTION, and nothing else is reported",
    ).toEqual(entries.slice(0, 3).map((entry) => finding("INVALID_ACTION", 0, entry)));
  });

  it("reports each action entry that is not `*` or service:name, with the entry as written", () => {
    const findings = lint(
      allow({
        Action: [
          "s3GetObject",
          "s3:",
          ":GetObject",
          "s3:Get Object",
          "s3*:GetObject",
          "",
          "s3:Get-Object",
          " s3:GetObject",
          "s3:Get_Object",
          "my_svc:GetObject",
          "s3:G\u00E9tObject",
          "s\u00E9:GetObject",
          "s3:GetObject",
        ],
        Resource: BUCKET,
      }),
    );

    expect(findings).toEqual(
      [
        "s3GetObject",
        "s3:",
        ":GetObject",
        "s3:Get Object",
        "s3*:GetObject",
        "",
        "s3:Get-Object",
        " s3:GetObject",
        "s3:Get_Object",
        "my_svc:GetObject",
        "s3:G\u00E9tObject",
        "s\u00E9:GetObject",
      ].map((entry) => finding("INVALID_ACTION", 0, entry)),
    );
  });

  it("allows only ASCII letters: not the long s or the Kelvin sign, which match [a-z] under the i and u flags", () => {
    const entries = ["s3:Get\u017F", "s3:\u212AeyList", "\u017F3:GetObject", "s3:GetObject"];
    const findings = lint(allow({ Action: entries, Resource: BUCKET }));

    expect(
      findings,
      "ſ (U+017F) and K (U+212A, Kelvin) are not ASCII letters: each entry is INVALID_ACTION",
    ).toEqual(entries.slice(0, 3).map((entry) => finding("INVALID_ACTION", 0, entry)));
  });

  it("accepts wildcards in the name, digits, hyphens in the service and any letter case", () => {
    const findings = lint(
      allow({
        Action: [
          "s3:Get*",
          "ec2:Describe?nstances",
          "ssm-contacts:ListContacts",
          "S3:GETOBJECT",
          "route53:Get*",
        ],
        Resource: BUCKET,
      }),
    );

    expect(findings).toEqual([]);
  });

  it("lets an invalid entry match nothing and raise nothing but its INVALID_ACTION", () => {
    const findings = lint(
      allow({ Action: ["*:*", "my service:*"], Resource: "arn:aws:iam::123456789012:user/*" }),
      allow({
        NotAction: ["iam.*", "sts:*", "lambda:*", "glue:*"],
        Resource: ALICE,
        Condition: MFA,
      }),
    );

    expect(findings).toEqual([
      finding("INVALID_ACTION", 0, "*:*"),
      finding("INVALID_ACTION", 0, "my service:*"),
      finding("INVALID_ACTION", 1, "iam.*"),
      finding("ALLOW_WITH_NOT_ACTION", 1),
    ]);
    const exceptions = lint(
      allow({ NotAction: ["iam.*", "sts:*", "lambda:*", "glue:*"], Resource: ALICE }),
    );
    expect(
      codes(exceptions),
      "iam.* excepts nothing, so the iam escalations stay allowed",
    ).toContain("PRIVILEGE_ESCALATION");
  });

  it("lets an invalid NotAction entry except nothing, even one whose wildcards would match every action", () => {
    const escalations = (findings: Finding[]) =>
      findings
        .filter((found) => found.code === "PRIVILEGE_ESCALATION")
        .map((found) => found.detail);

    const exceptsAll = lint(allow({ NotAction: ["*:*"], Resource: "*" }));
    expect(
      escalations(exceptsAll),
      "*:* is invalid, so it excepts nothing: the NotAction allows every action, escalations included",
    ).toContain("iam:PassRole");
    const exceptsIam = lint(
      allow({ NotAction: ["iam*", "sts:*", "lambda:*", "glue:*"], Resource: ALICE }),
    );
    expect(
      escalations(exceptsIam),
      "iam* has no colon, so it is invalid and excepts nothing: the iam escalations stay allowed",
    ).toContain("iam:CreateAccessKey");
    expect(codes(exceptsIam), "and the invalid entry still has its finding").toContain(
      "INVALID_ACTION",
    );
  });

  it("checks NotAction entries and Deny statements too, and goes on linting after an invalid action", () => {
    const findings = lint(
      deny({ NotAction: ["s3.GetObject"], Resource: BUCKET }),
      allow({ Action: ["iam.PassRole", "*"], Resource: BUCKET, Condition: MFA }),
    );

    expect(findings).toEqual([
      finding("INVALID_ACTION", 0, "s3.GetObject"),
      finding("INVALID_ACTION", 1, "iam.PassRole"),
      finding("WILDCARD_ACTION", 1),
    ]);
  });
});

describe("step 4 — wildcards, NotAction and NotResource", () => {
  it("reports an Allow of every action, `*`", () => {
    expect(lint(allow({ Action: "*", Resource: BUCKET, Condition: MFA }))).toEqual([
      finding("WILDCARD_ACTION"),
    ]);
  });

  it("reports an Allow of a whole service, `service:*`, with the entry as written", () => {
    const findings = lint(allow({ Action: ["s3:*", "S3:GetObject", "EC2:*"], Resource: BUCKET }));

    expect(findings).toEqual([
      finding("SERVICE_WILDCARD_ACTION", 0, "s3:*"),
      finding("SERVICE_WILDCARD_ACTION", 0, "EC2:*"),
    ]);
  });

  it("reports each wildcard entry, repeated entries included", () => {
    const findings = lint(
      allow({ Action: ["*", "s3:*", "*", "s3:*"], Resource: BUCKET, Condition: MFA }),
    );

    expect(findings).toEqual([
      finding("WILDCARD_ACTION"),
      finding("SERVICE_WILDCARD_ACTION", 0, "s3:*"),
      finding("WILDCARD_ACTION"),
      finding("SERVICE_WILDCARD_ACTION", 0, "s3:*"),
    ]);
  });

  it("does not report wildcards that cover only part of a service", () => {
    expect(
      lint(allow({ Action: ["s3:Get*", "s3:*Object", "s3:?etObject"], Resource: BUCKET })),
    ).toEqual([]);
  });

  it("reports a whole service only for a name exactly `*` (`s3:**` is not)", () => {
    const findings = lint(allow({ Action: ["s3:**", "ec2:*?", "s3:*"], Resource: BUCKET }));

    expect(findings).toEqual([finding("SERVICE_WILDCARD_ACTION", 0, "s3:*")]);
  });

  it("reports a Resource of `*` once, however many entries it has", () => {
    const findings = lint(allow({ Action: "s3:GetObject", Resource: [BUCKET, "*", "*"] }));

    expect(findings).toEqual([finding("WILDCARD_RESOURCE")]);
  });

  it("does not report a resource ARN with a wildcard inside it as WILDCARD_RESOURCE", () => {
    expect(lint(allow({ Action: "s3:GetObject", Resource: "arn:aws:s3:::*" }))).toEqual([]);
  });

  it("reports Allow with NotAction (it allows everything else) and Allow with NotResource", () => {
    const findings = lint(
      allow({ NotAction: "s3:DeleteBucket", Resource: BUCKET, Condition: MFA }),
      allow({ Action: "s3:GetObject", NotResource: BUCKET }),
    );

    expect(findings).toEqual([
      finding("ALLOW_WITH_NOT_ACTION", 0),
      finding("ALLOW_WITH_NOT_RESOURCE", 1),
    ]);
  });

  it("reports a NotResource of `*` as ALLOW_WITH_NOT_RESOURCE only", () => {
    expect(lint(allow({ Action: "s3:GetObject", NotResource: "*" }))).toEqual([
      finding("ALLOW_WITH_NOT_RESOURCE"),
    ]);
  });

  it("finds nothing of the kind in Deny statements, where wildcards are good practice", () => {
    const findings = lint(
      deny({ Action: ["*", "s3:*"], Resource: "*" }),
      deny({ NotAction: "iam:*", NotResource: BUCKET }),
    );

    expect(findings).toEqual([]);
  });

  it("does not treat a NotAction entry of `*` or `service:*` as a wildcard Allow", () => {
    const findings = lint(allow({ NotAction: ["*", "s3:*"], Resource: BUCKET }));

    expect(findings).toEqual([finding("ALLOW_WITH_NOT_ACTION")]);
  });

  it("orders a statement's findings: actions in entry order, then NotAction, Resource, NotResource", () => {
    const findings = lint(
      allow({ Action: ["s3:*", "*", "ec2:*"], Resource: ["*"], Condition: MFA }),
      allow({ NotAction: ["s3:*"], NotResource: [BUCKET], Condition: MFA }),
    );

    expect(findings).toEqual([
      finding("SERVICE_WILDCARD_ACTION", 0, "s3:*"),
      finding("WILDCARD_ACTION", 0),
      finding("SERVICE_WILDCARD_ACTION", 0, "ec2:*"),
      finding("WILDCARD_RESOURCE", 0),
      finding("ALLOW_WITH_NOT_ACTION", 1),
      finding("ALLOW_WITH_NOT_RESOURCE", 1),
    ]);
  });
});

describe("step 5 — condition operators", () => {
  const withCondition = (Condition: Record<string, unknown>, effect = allow) =>
    lint(effect({ Action: "s3:GetObject", Resource: BUCKET, Condition }));
  const KEY = { "aws:username": "alice" };

  it.each([
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
  ])("accepts the operator %s", (operator) => {
    expect(withCondition({ [operator]: KEY })).toEqual([]);
  });

  it.each([
    "ForAllValues:StringLike",
    "ForAnyValue:StringEquals",
    "StringLikeIfExists",
    "ForAnyValue:ArnLikeIfExists",
    "ForAllValues:NumericLessThanIfExists",
  ])("accepts the set prefix and IfExists suffix in %s", (operator) => {
    expect(withCondition({ [operator]: KEY })).toEqual([]);
  });

  it.each(["stringequals", "FORANYVALUE:STRINGLIKE", "boolIfexists", "null", "ipADDRESS"])(
    "accepts %s: operators are matched in any letter case",
    (operator) => {
      expect(withCondition({ [operator]: KEY })).toEqual([]);
    },
  );

  it.each([
    "StringEqual",
    "StringEqualsIfExist",
    "IfExistsStringEquals",
    "ForAllValue:StringEquals",
    "ForAllValues:",
    "ForAllValues:ForAnyValue:StringEquals",
    "StringEqualsIfExistsIfExists",
    "StringEquals ",
    "",
  ])("reports the operator %j as invalid, as written", (operator) => {
    expect(withCondition({ [operator]: KEY })).toEqual([
      finding("INVALID_CONDITION_OPERATOR", 0, operator),
    ]);
  });

  it.each([
    ["StringLi\u212Ae", "the Kelvin sign, which toLowerCase() turns into k"],
    ["\u017FtringEquals", "the long s, which toUpperCase() turns into S"],
    ["ForAnyValue:\u017FtringLike", "the long s after a prefix"],
  ])("reports %j as invalid: only ASCII letters match in any case (%s)", (operator) => {
    expect(withCondition({ [operator]: KEY }), "A–Z and a–z fold, no other letter does").toEqual([
      finding("INVALID_CONDITION_OPERATOR", 0, operator),
    ]);
    expect(
      codes(lint(allow({ Action: "iam:PassRole", Resource: "*", Condition: { [operator]: KEY } }))),
      "an invalid operator is no condition, so the escalation is still reported",
    ).toContain("PRIVILEGE_ESCALATION");
  });

  it.each(["NullIfExists", "ForAnyValue:Null", "ForAllValues:NullIfExists"])(
    "reports %s: Null takes no prefix and no IfExists",
    (operator) => {
      expect(withCondition({ [operator]: KEY })).toEqual([
        finding("INVALID_CONDITION_OPERATOR", 0, operator),
      ]);
    },
  );

  it("reports every invalid operator of a condition in order, in Deny statements too", () => {
    const findings = withCondition(
      {
        StringEqual: KEY,
        Bool: { "aws:SecureTransport": "false" },
        IpAdress: { "aws:SourceIp": "10.0.0.0/8" },
      },
      deny,
    );

    expect(findings).toEqual([
      finding("INVALID_CONDITION_OPERATOR", 0, "StringEqual"),
      finding("INVALID_CONDITION_OPERATOR", 0, "IpAdress"),
    ]);
  });

  it("reports invalid operators in the object's order: index-like keys first, in numeric order", () => {
    const text = JSON.stringify(
      policy(allow({ Action: "s3:GetObject", Resource: BUCKET })),
    ).replace(
      '"Resource"',
      '"Condition":{"StringEqual":{"k":"v"},"10":{"k":"v"},"2":{"k":"v"},"Bool":{"k":"v"},"ArnLik":{"k":"v"}},"Resource"',
    );

    expect(lintPolicy(text)).toEqual([
      finding("INVALID_CONDITION_OPERATOR", 0, "2"),
      finding("INVALID_CONDITION_OPERATOR", 0, "10"),
      finding("INVALID_CONDITION_OPERATOR", 0, "StringEqual"),
      finding("INVALID_CONDITION_OPERATOR", 0, "ArnLik"),
    ]);
  });

  it("reports invalid actions before invalid operators, and wildcards after both", () => {
    const findings = lint(
      allow({
        Action: ["s3.GetObject", "*"],
        Resource: BUCKET,
        Condition: { ...MFA, StringEqual: KEY },
      }),
    );

    expect(findings).toEqual([
      finding("INVALID_ACTION", 0, "s3.GetObject"),
      finding("INVALID_CONDITION_OPERATOR", 0, "StringEqual"),
      finding("WILDCARD_ACTION", 0),
    ]);
  });
});

describe("step 6 — privilege escalation", () => {
  const escalation = (action: string, index = 0, sid: string | null = null) =>
    finding("PRIVILEGE_ESCALATION", index, action, sid);

  const ANY_RESOURCE = [
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
    "lambda:UpdateFunctionCode",
    "glue:UpdateDevEndpoint",
  ];

  it.each(ANY_RESOURCE)(
    "reports %s allowed without a condition, even on one named resource",
    (action) => {
      expect(lint(allow({ Sid: "Ops", Action: action, Resource: ALICE }))).toEqual([
        escalation(action, 0, "Ops"),
      ]);
    },
  );

  it.each(["iam:PassRole", "sts:AssumeRole"])(
    "reports %s only when it applies to any resource",
    (action) => {
      const role = "arn:aws:iam::123456789012:role/app";
      const findings = lint(
        allow({ Action: action, Resource: role }),
        allow({ Action: action, Resource: [role, "*"] }),
        allow({ Action: action, Resource: "arn:aws:iam::123456789012:role/*" }),
        allow({ Action: action, Resource: "arn:aws:iam::123456789012:role/app-?" }),
      );

      expect(findings).toEqual([
        finding("WILDCARD_RESOURCE", 1),
        escalation(action, 1),
        escalation(action, 2),
        escalation(action, 3),
      ]);
    },
  );

  it("counts NotResource as any resource for iam:PassRole", () => {
    expect(lint(allow({ Action: "iam:PassRole", NotResource: ALICE }))).toEqual([
      finding("ALLOW_WITH_NOT_RESOURCE"),
      escalation("iam:PassRole"),
    ]);
  });

  it("finds escalation actions behind wildcards and any letter case, named as in the list", () => {
    const findings = lint(
      allow({ Action: "iam:Put*", Resource: ALICE }),
      allow({ Action: "IAM:passrole", Resource: "*" }),
    );

    expect(findings).toEqual([
      escalation("iam:PutUserPolicy", 0),
      escalation("iam:PutGroupPolicy", 0),
      escalation("iam:PutRolePolicy", 0),
      finding("WILDCARD_RESOURCE", 1),
      escalation("iam:PassRole", 1),
    ]);
  });

  it("reports each escalation action once, in the order of the list, for `*` on `*`", () => {
    const findings = lint(allow({ Action: ["*", "iam:*"], Resource: "*" }));

    expect(findings).toEqual([
      finding("WILDCARD_ACTION"),
      finding("SERVICE_WILDCARD_ACTION", 0, "iam:*"),
      finding("WILDCARD_RESOURCE"),
      ...["iam:PassRole", "sts:AssumeRole", ...ANY_RESOURCE].map((action) => escalation(action)),
    ]);
  });

  it("reports escalations in the list's order, whatever the order of the entries", () => {
    const findings = lint(
      allow({
        Action: [
          "glue:UpdateDevEndpoint",
          "iam:PutUserPolicy",
          "iam:PassRole",
          "iam:CreatePolicyVersion",
        ],
        Resource: "arn:aws:iam::123456789012:role/*",
      }),
    );

    expect(findings).toEqual([
      escalation("iam:PassRole"),
      escalation("iam:CreatePolicyVersion"),
      escalation("iam:PutUserPolicy"),
      escalation("glue:UpdateDevEndpoint"),
    ]);
  });

  it("in a trust policy (no Resource), never reports iam:PassRole or sts:AssumeRole, but the others", () => {
    const findings = lint(
      allow({
        Principal: { Service: "ec2.amazonaws.com" },
        Action: ["sts:AssumeRole", "iam:PassRole", "iam:CreateAccessKey"],
      }),
      allow({ Principal: { AWS: ALICE }, Action: "*" }),
    );

    expect(findings).toEqual([
      escalation("iam:CreateAccessKey", 0),
      finding("WILDCARD_ACTION", 1),
      ...ANY_RESOURCE.map((action) => escalation(action, 1)),
    ]);
  });

  it("with NotAction, reports the escalation actions the list of exceptions leaves allowed", () => {
    const findings = lint(
      allow({ NotAction: "iam:*", Resource: "*" }),
      allow({ NotAction: ["iam:*", "sts:*", "lambda:*", "glue:Update*"], Resource: "*" }),
    );

    expect(findings).toEqual([
      finding("ALLOW_WITH_NOT_ACTION", 0),
      finding("WILDCARD_RESOURCE", 0),
      escalation("sts:AssumeRole", 0),
      escalation("lambda:UpdateFunctionCode", 0),
      escalation("glue:UpdateDevEndpoint", 0),
      finding("ALLOW_WITH_NOT_ACTION", 1),
      finding("WILDCARD_RESOURCE", 1),
    ]);
  });

  it("does not report escalation in a statement with a condition", () => {
    const passedToService = { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } };
    const findings = lint(
      allow({ Action: "iam:PassRole", Resource: "*", Condition: passedToService }),
      allow({
        Action: "iam:CreateAccessKey",
        Resource: ALICE,
        Condition: { stringequals: { "aws:username": "alice" } },
      }),
    );

    expect(findings).toEqual([finding("WILDCARD_RESOURCE", 0)]);
  });

  it("still reports it when the condition is empty, has no key, or only an invalid operator", () => {
    const findings = lint(
      allow({ Action: "iam:CreateAccessKey", Resource: ALICE, Condition: {} }),
      allow({ Action: "iam:CreateAccessKey", Resource: ALICE, Condition: { StringEquals: {} } }),
      allow({
        Action: "iam:CreateAccessKey",
        Resource: ALICE,
        Condition: { StringEqual: { "aws:username": "alice" } },
      }),
    );

    expect(findings).toEqual([
      escalation("iam:CreateAccessKey", 0),
      escalation("iam:CreateAccessKey", 1),
      finding("INVALID_CONDITION_OPERATOR", 2, "StringEqual"),
      escalation("iam:CreateAccessKey", 2),
    ]);
  });

  it("needs one valid operator that itself has a key: a valid empty one and an invalid full one do not add up", () => {
    const findings = lint(
      allow({
        Action: "iam:CreateAccessKey",
        Resource: ALICE,
        Condition: { StringEquals: {}, StringEqual: { "aws:username": "alice" } },
      }),
    );

    expect(
      findings,
      "StringEquals has no key and StringEqual is not an operator: the statement has no condition",
    ).toEqual([
      finding("INVALID_CONDITION_OPERATOR", 0, "StringEqual"),
      escalation("iam:CreateAccessKey", 0),
    ]);
  });

  it("finds no escalation in Deny statements or in a role's trust policy", () => {
    const findings = lint(
      deny({ Action: ["iam:PassRole", "iam:CreatePolicyVersion"], Resource: "*" }),
      allow({ Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" }),
    );

    expect(findings).toEqual([]);
  });
});

describe("step 7 — the CI gate", () => {
  const of = (...types: Code[]) => types.map((code) => finding(code));

  it("blocks on an ERROR or a SECURITY_WARNING by default", () => {
    expect(isBlocking(of("SERVICE_WILDCARD_ACTION", "INVALID_ACTION"))).toBe(true);
    expect(isBlocking(of("PRIVILEGE_ESCALATION"))).toBe(true);
  });

  it("does not block on warnings alone, nor on no findings", () => {
    expect(isBlocking(of("MISSING_VERSION", "WILDCARD_RESOURCE", "SERVICE_WILDCARD_ACTION"))).toBe(
      false,
    );
    expect(isBlocking([])).toBe(false);
  });

  it("blocks on exactly the finding types it is given instead", () => {
    expect(isBlocking(of("WILDCARD_RESOURCE"), ["WARNING"])).toBe(true);
    expect(isBlocking(of("PRIVILEGE_ESCALATION"), ["ERROR"])).toBe(false);
    expect(isBlocking(of("INVALID_JSON"), [])).toBe(false);
  });

  it("lints a realistic policy into findings in document order", () => {
    const text = JSON.stringify({
      Statement: [
        {
          Sid: "ReadReports",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:ListBucket"],
          Resource: [BUCKET, "arn:aws:s3:::reports-bucket"],
        },
        {
          Sid: "DeployLambdas",
          Effect: "Allow",
          Action: ["lambda:*", "iam:PassRole"],
          Resource: "*",
        },
        { Sid: "NoDeletes", Effect: "Deny", Action: "s3:Delete*", Resource: "*" },
        {
          Sid: "Tags",
          Effect: "Allow",
          Action: "ec2:CreateTags",
          Resource: "*",
          Condition: { StringEqual: { "aws:RequestTag/team": "ops" } },
        },
      ],
    });

    const findings = lintPolicy(text);

    expect(findings).toEqual([
      policyLevel("MISSING_VERSION"),
      finding("SERVICE_WILDCARD_ACTION", 1, "lambda:*", "DeployLambdas"),
      finding("WILDCARD_RESOURCE", 1, null, "DeployLambdas"),
      finding("PRIVILEGE_ESCALATION", 1, "iam:PassRole", "DeployLambdas"),
      finding("PRIVILEGE_ESCALATION", 1, "lambda:UpdateFunctionCode", "DeployLambdas"),
      finding("INVALID_CONDITION_OPERATOR", 3, "StringEqual", "Tags"),
      finding("WILDCARD_RESOURCE", 3, null, "Tags"),
    ]);
    expect(isBlocking(findings), "an escalation fails the build").toBe(true);
  });
});
