/**
 * The same API, with the page bodies validated by zod 4 instead of by hand. The walk, the
 * retries (p-retry) and the limits (p-limit) are the reference's `collect`.
 *
 * zod's `z.object` drops unknown keys by default, which is the README's "exactly the fields of
 * its type"; the only glue is turning zod's first issue into the same one-line message the
 * hand-written validator gives ("results[2].value: expected a number, …").
 */
import { z } from "zod";
import {
  type CollectOptions,
  collect,
  type MetricsReport,
  type Page,
  type PageParser,
  type Parsers,
} from "./nested-api-calls";

export type {
  CollectOptions,
  Counts,
  Detail,
  DetailMetrics,
  Metric,
  MetricsReport,
  Problem,
  ProblemReason,
  User,
  UserMetrics,
} from "./nested-api-calls";
export { FetchError } from "./nested-api-calls";

const user = z.object({ id: z.int(), username: z.string() });
const detail = z.object({ id: z.int(), service: z.string() });
const metric = z.object({ name: z.string(), value: z.number() });

/** A zod issue path as the README writes it: ["results", 2, "value"] → "results[2].value". */
function pathOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(body)";
  return path
    .map((key, index) => {
      if (typeof key === "number") return `[${key}]`;
      return index === 0 ? String(key) : `.${String(key)}`;
    })
    .join("");
}

function zodParser<T>(item: z.ZodType<T>): PageParser<T> {
  const page = z.object({ results: z.array(item), next: z.string().nullable() });
  return (body) => {
    const result = page.safeParse(body);
    if (result.success) return { page: result.data as Page<T> };
    const issue = result.error.issues[0];
    return { problem: `${pathOf(issue?.path ?? [])}: ${issue?.message ?? "invalid"}` };
  };
}

const zodParsers: Parsers = {
  users: zodParser(user),
  details: zodParser(detail),
  metrics: zodParser(metric),
};

export function collectMetrics(options: CollectOptions): Promise<MetricsReport> {
  return collect(options, zodParsers);
}
