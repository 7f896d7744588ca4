/**
 * IAM policy lint — your file. The types and constants are written; the three functions are
 * yours (README.md, "API"). Run `npm run kata -- run iam-policy-lint` to see what is left.
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
// Your code

/**
 * Whether an action pattern from a policy (`s3:Get*`, `iam:P?ssRole`, `*`) matches an action
 * name: `*` is any run of characters, `?` exactly one, the whole name must match, letter case
 * is ignored.
 */
export function matchesAction(_pattern: string, _action: string): boolean {
  // TODO: start here (step 1)
  throw new Error("TODO: implement matchesAction()");
}

/**
 * Findings for one policy document: JSON text (a string, always parsed), or the document already
 * parsed (any other value).
 */
export function lintPolicy(_document: unknown): Finding[] {
  // TODO: steps 2 to 6
  throw new Error("TODO: implement lintPolicy()");
}

/** Whether any finding is of a type that must fail the build (step 7). */
export function isBlocking(
  _findings: readonly Finding[],
  _blockingTypes: readonly FindingType[] = DEFAULT_BLOCKING_TYPES,
): boolean {
  throw new Error("TODO: implement isBlocking()");
}
