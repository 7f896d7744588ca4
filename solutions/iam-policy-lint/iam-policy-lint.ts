/**
 * IAM policy lint — reference solution.
 *
 * Reads a policy document the way IAM accepts it (a `Statement` object or array, `Action` or
 * `NotAction`, strings or arrays of strings, wildcards inside action names, `Condition`
 * operators) and reports what is broken or dangerous in it, statement by statement. Pure: no AWS
 * call, no I/O.
 */

// ---------------------------------------------------------------------------------------------
// Types and constants

/** Kinds of finding, named as IAM Access Analyzer's `ValidatePolicy` names them. */
export type FindingType = "ERROR" | "SECURITY_WARNING" | "WARNING";

export type IssueCode =
  | "INVALID_JSON"
  | "MALFORMED_POLICY"
  | "MISSING_VERSION"
  | "INVALID_VERSION"
  | "OLD_VERSION"
  | "MISSING_STATEMENT"
  | "MALFORMED_STATEMENT"
  | "INVALID_ACTION"
  | "INVALID_CONDITION_OPERATOR"
  | "WILDCARD_ACTION"
  | "SERVICE_WILDCARD_ACTION"
  | "ALLOW_WITH_NOT_ACTION"
  | "WILDCARD_RESOURCE"
  | "ALLOW_WITH_NOT_RESOURCE"
  | "PRIVILEGE_ESCALATION";

/** The finding type of every issue code: what it breaks, or how much it exposes. */
export const ISSUE_TYPES: Readonly<Record<IssueCode, FindingType>> = {
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
};

export interface Finding {
  code: IssueCode;
  type: FindingType;
  /** Position in `Statement` (0 when `Statement` is a single object); null for the policy itself. */
  statementIndex: number | null;
  /** The statement's `Sid` when it is a string, else null. */
  sid: string | null;
  /** What the finding is about (see the README's table), or null. */
  detail: string | null;
}

/**
 * One action that lets its holder give themselves more permissions. `onlyOnBroadResource`: the
 * action is dangerous when it applies to any resource (a role to pass or assume), not when it is
 * scoped to named ones.
 */
export interface EscalationAction {
  action: string;
  onlyOnBroadResource: boolean;
}

/**
 * Single actions that lead to privilege escalation (the methods catalogued by Rhino Security Labs
 * and Bishop Fox, as Parliament's privilege_escalation auditor uses them).
 */
export const ESCALATION_ACTIONS: readonly EscalationAction[] = [
  { action: "iam:PassRole", onlyOnBroadResource: true },
  { action: "sts:AssumeRole", onlyOnBroadResource: true },
  { action: "iam:CreatePolicyVersion", onlyOnBroadResource: false },
  { action: "iam:SetDefaultPolicyVersion", onlyOnBroadResource: false },
  { action: "iam:AttachUserPolicy", onlyOnBroadResource: false },
  { action: "iam:AttachGroupPolicy", onlyOnBroadResource: false },
  { action: "iam:AttachRolePolicy", onlyOnBroadResource: false },
  { action: "iam:PutUserPolicy", onlyOnBroadResource: false },
  { action: "iam:PutGroupPolicy", onlyOnBroadResource: false },
  { action: "iam:PutRolePolicy", onlyOnBroadResource: false },
  { action: "iam:CreateAccessKey", onlyOnBroadResource: false },
  { action: "iam:CreateLoginProfile", onlyOnBroadResource: false },
  { action: "iam:UpdateLoginProfile", onlyOnBroadResource: false },
  { action: "iam:AddUserToGroup", onlyOnBroadResource: false },
  { action: "iam:UpdateAssumeRolePolicy", onlyOnBroadResource: false },
  { action: "lambda:UpdateFunctionCode", onlyOnBroadResource: false },
  { action: "glue:UpdateDevEndpoint", onlyOnBroadResource: false },
];

/** The condition operators of the IAM policy grammar, without their prefixes and suffix. */
export const CONDITION_OPERATORS: readonly string[] = [
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
];

export const CURRENT_VERSION = "2012-10-17";
export const OLD_VERSION = "2008-10-17";

/** The finding types a CI gate fails on by default (as the AWS CloudFormation policy validator). */
export const DEFAULT_BLOCKING_TYPES: readonly FindingType[] = ["ERROR", "SECURITY_WARNING"];

// ---------------------------------------------------------------------------------------------
// Matching action names

/** `service:Action` with letters, digits and wildcards, or `*` alone. */
const ACTION_FORMAT = /^[a-z0-9-]+:[a-z0-9*?]+$/i;

/** The characters besides `*` and `?` a regular expression gives a meaning to (with the u flag,
 * escaping any other character is a syntax error). */
const REGEX_SYNTAX = /[\\^$.+()[\]{}|]/;

/**
 * Whether an action pattern from a policy matches an action: `*` stands for any run of
 * characters (none included), `?` for exactly one; the whole name must match; letter case is
 * ignored, as IAM ignores it in action names.
 */
export function matchesAction(pattern: string, action: string): boolean {
  // [...pattern] walks code points, as the u flag below reads them.
  const body = [...pattern]
    .map((char) => {
      if (char === "*") return ".*";
      if (char === "?") return ".";
      return REGEX_SYNTAX.test(char) ? `\\${char}` : char;
    })
    .join("");
  // u: a character is a code point (an emoji is one); s: `.` matches line breaks too, as in fnmatch.
  return new RegExp(`^${body}$`, "isu").test(action);
}

// ---------------------------------------------------------------------------------------------
// The linter

type Json = unknown;

const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A string, or a non-empty array of strings, as a list; anything else is malformed (null). */
function stringList(value: Json): string[] | null {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string")) {
    return value as string[];
  }
  return null;
}

/** A statement that passed the structure checks, its elements as lists. */
interface Statement {
  allow: boolean;
  /** The valid entries of Action, or of NotAction when `notAction` is set. */
  actions: string[];
  notAction: boolean;
  /** The entries of Resource, or of NotResource when `notResource` is set; none in a trust policy. */
  resources: string[];
  notResource: boolean;
  condition: Record<string, Json>;
}

/**
 * Findings for one policy document: JSON text (a string, always parsed), or the document already
 * parsed (any other value).
 */
export function lintPolicy(document: unknown): Finding[] {
  let policy: Json = document;
  if (typeof document === "string") {
    try {
      policy = JSON.parse(document);
    } catch (error) {
      return [policyFinding("INVALID_JSON", (error as Error).message)];
    }
  }
  if (!isObject(policy)) return [policyFinding("MALFORMED_POLICY")];

  // Present means the key is there, whatever its value ("Version": null is a wrong Version).
  const findings: Finding[] = [...versionFindings("Version" in policy, policy.Version)];
  const statements = policy.Statement;
  if (!("Statement" in policy) || (Array.isArray(statements) && statements.length === 0)) {
    return [...findings, policyFinding("MISSING_STATEMENT")];
  }
  if (!Array.isArray(statements) && !isObject(statements)) {
    return [...findings, policyFinding("MALFORMED_POLICY")];
  }
  const list = Array.isArray(statements) ? statements : [statements];
  list.forEach((statement, index) => {
    findings.push(...lintStatement(statement, index));
  });
  return findings;
}

function versionFindings(present: boolean, version: Json): Finding[] {
  if (!present) return [policyFinding("MISSING_VERSION")];
  if (version === CURRENT_VERSION) return [];
  // 2008-10-17 is still accepted, but policy variables such as ${aws:username} stay literal.
  if (version === OLD_VERSION) return [policyFinding("OLD_VERSION")];
  return [policyFinding("INVALID_VERSION")];
}

function policyFinding(code: IssueCode, detail: string | null = null): Finding {
  return { code, type: ISSUE_TYPES[code], statementIndex: null, sid: null, detail };
}

function lintStatement(raw: Json, index: number): Finding[] {
  const sid = isObject(raw) && typeof raw.Sid === "string" ? raw.Sid : null;
  const finding = (code: IssueCode, detail: string | null = null): Finding => ({
    code,
    type: ISSUE_TYPES[code],
    statementIndex: index,
    sid,
    detail,
  });

  const parsed = parseStatement(raw);
  // Like Parliament, nothing else is judged in a statement IAM would refuse.
  if (typeof parsed === "string") return [finding("MALFORMED_STATEMENT", parsed)];
  const { statement, invalidActions } = parsed;

  const findings = invalidActions.map((entry) => finding("INVALID_ACTION", entry));
  for (const operator of Object.keys(statement.condition)) {
    if (!isValidOperator(operator)) findings.push(finding("INVALID_CONDITION_OPERATOR", operator));
  }
  if (statement.allow) {
    for (const [code, detail] of allowFindings(statement)) findings.push(finding(code, detail));
  }
  return findings;
}

const isValidAction = (entry: string) => entry === "*" || ACTION_FORMAT.test(entry);

/**
 * The statement as lists (invalid action entries set apart: they match nothing), or the name of
 * the first element that makes it malformed.
 */
function parseStatement(raw: Json): { statement: Statement; invalidActions: string[] } | string {
  if (!isObject(raw)) return "Statement";
  if (raw.Effect !== "Allow" && raw.Effect !== "Deny") return "Effect";

  const notAction = "NotAction" in raw;
  if ("Action" in raw === notAction) return "Action";
  const actions = stringList(notAction ? raw.NotAction : raw.Action);
  if (actions === null) return "Action";

  const notResource = "NotResource" in raw;
  let resources: string[] | null = [];
  if ("Resource" in raw && notResource) return "Resource";
  if ("Resource" in raw || notResource) {
    resources = stringList(notResource ? raw.NotResource : raw.Resource);
    if (resources === null) return "Resource";
  } else if (!("Principal" in raw) && !("NotPrincipal" in raw)) {
    // Only a resource-based policy (a role's trust policy, say) names no resource: it has a Principal.
    return "Resource";
  }

  const condition = "Condition" in raw ? raw.Condition : {};
  if (!isObject(condition) || !Object.values(condition).every(isObject)) return "Condition";

  return {
    statement: {
      allow: raw.Effect === "Allow",
      actions: actions.filter(isValidAction),
      notAction,
      resources,
      notResource,
      condition,
    },
    invalidActions: actions.filter((entry) => !isValidAction(entry)),
  };
}

/** `[ForAllValues:|ForAnyValue:]Operator[IfExists]`, any ASCII letter case; `Null` takes neither. */
function isValidOperator(written: string): boolean {
  // Only A–Z fold, as in the action grammar: toLowerCase() would also fold the Kelvin sign (U+212A)
  // to "k", and toUpperCase() the long s (U+017F) to "S", making operators IAM has never had.
  const name = written.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
  return CONDITION_OPERATORS.some((operator) => {
    const base = operator.toLowerCase();
    if (base === "null") return name === base;
    return ["", "forallvalues:", "foranyvalue:"].some(
      (prefix) => name === prefix + base || name === `${prefix}${base}ifexists`,
    );
  });
}

/** Whether the statement carries a real condition: a valid operator with at least one key. */
function hasCondition(statement: Statement): boolean {
  return Object.entries(statement.condition).some(
    ([operator, keys]) => isValidOperator(operator) && Object.keys(keys as object).length > 0,
  );
}

/** The wildcard and escalation findings of an Allow statement, as [code, detail] pairs. */
function allowFindings(statement: Statement): [IssueCode, string | null][] {
  const found: [IssueCode, string | null][] = [];
  if (statement.notAction) {
    found.push(["ALLOW_WITH_NOT_ACTION", null]);
  } else {
    for (const entry of statement.actions) {
      if (entry === "*") found.push(["WILDCARD_ACTION", null]);
      else if (entry.endsWith(":*")) found.push(["SERVICE_WILDCARD_ACTION", entry]);
    }
  }
  if (statement.notResource) found.push(["ALLOW_WITH_NOT_RESOURCE", null]);
  else if (statement.resources.includes("*")) found.push(["WILDCARD_RESOURCE", null]);

  if (!hasCondition(statement)) {
    for (const { action, onlyOnBroadResource } of ESCALATION_ACTIONS) {
      if (
        allowsAction(statement, action) &&
        (!onlyOnBroadResource || hasBroadResource(statement))
      ) {
        found.push(["PRIVILEGE_ESCALATION", action]);
      }
    }
  }
  return found;
}

/** Action: some pattern matches. NotAction: every action that no pattern matches is allowed. */
function allowsAction(statement: Statement, action: string): boolean {
  const matched = statement.actions.some((pattern) => matchesAction(pattern, action));
  return statement.notAction ? !matched : matched;
}

/** Any resource at all: NotResource, or a wildcard in a Resource entry. */
function hasBroadResource(statement: Statement): boolean {
  return statement.notResource || statement.resources.some((resource) => /[*?]/.test(resource));
}

// ---------------------------------------------------------------------------------------------
// The CI gate

/** Whether any finding is of a type that must fail the build. */
export function isBlocking(
  findings: readonly Finding[],
  blockingTypes: readonly FindingType[] = DEFAULT_BLOCKING_TYPES,
): boolean {
  return findings.some((finding) => blockingTypes.includes(finding.type));
}
