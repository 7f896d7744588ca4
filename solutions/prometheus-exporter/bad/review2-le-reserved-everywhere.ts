// Mistake: the label name `le` is refused for every metric type, though the README only forbids it
// "in a histogram" (a counter or gauge may have an `le` label). (adversarial review, round 2)
/**
 * A Prometheus exporter: the reference solution.
 *
 * A registry of counters, gauges and histograms that renders itself in the Prometheus text
 * exposition format (version 0.0.4), and a small HTTP server that serves it on /metrics
 * (serve-metrics.ts, shared with the prom-client variant). Gauges may read their value at
 * scrape time (`collect`), which is what makes a custom exporter an exporter.
 */
export {
  CONTENT_TYPE,
  type MetricsServer,
  type ServeOptions,
  serveMetrics,
} from "../serve-metrics";

export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

export type Labels = Record<string, string>;

export interface CounterSeries {
  inc(value?: number): void;
}
export interface Counter extends CounterSeries {
  labels(values: Labels): CounterSeries;
}
export interface GaugeSeries {
  set(value: number): void;
  inc(value?: number): void;
  dec(value?: number): void;
}
export interface Gauge extends GaugeSeries {
  labels(values: Labels): GaugeSeries;
}
export interface HistogramSeries {
  observe(value: number): void;
}
export interface Histogram extends HistogramSeries {
  labels(values: Labels): HistogramSeries;
}

export interface MetricOptions {
  name: string;
  help: string;
  labelNames?: readonly string[];
}
export interface GaugeOptions extends MetricOptions {
  collect?: (gauge: Gauge) => void | Promise<void>;
}
export interface HistogramOptions extends MetricOptions {
  buckets?: readonly number[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const HISTOGRAM_SUFFIXES = ["_bucket", "_sum", "_count"];

type MetricType = "counter" | "gauge" | "histogram";

/** One metric family: its name, help, type, label names, and a state per label set. */
class Family<State> {
  readonly #series = new Map<string, { values: string[]; state: State }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly string[],
    readonly newState: () => State,
  ) {
    // An unlabeled metric has exactly one series, and it exists (at zero) from the start.
    if (labelNames.length === 0) this.get({});
  }

  /** The series of a metric without labels (for a metric with labels, get's TypeError). */
  only(): State {
    return this.get({});
  }

  /** The series of one label set, created at zero the first time it is asked for. */
  get(labels: Labels): State {
    const given = Object.keys(labels);
    const exact =
      given.length === this.labelNames.length &&
      this.labelNames.every((n) => Object.hasOwn(labels, n));
    if (!exact)
      throw new TypeError(
        `metric "${this.name}" takes labels ${JSON.stringify(this.labelNames)}, got ${JSON.stringify(given)}`,
      );
    const values = this.labelNames.map((n) => labels[n]);
    if (!values.every((value): value is string => typeof value === "string"))
      throw new TypeError(`metric "${this.name}": label values must be strings`);
    // The values in labelNames order are the key, so { a, b } and { b, a } are one series.
    const key = JSON.stringify(values);
    let series = this.#series.get(key);
    if (!series) {
      series = { values, state: this.newState() };
      this.#series.set(key, series);
    }
    return series.state;
  }

  /** Each series as its label pairs (in labelNames order) and its state. */
  *series(): Generator<[Array<[string, string]>, State]> {
    for (const { values, state } of this.#series.values()) {
      yield [values.map((value, i) => [this.labelNames[i] as string, value]), state];
    }
  }
}

interface Value {
  value: number;
}
interface Buckets {
  bounds: readonly number[];
  /** How many observations fell in each bucket, NOT cumulative; the last one is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class Registry {
  readonly #families: Array<{ render: () => string }> = [];
  readonly #collectors: Array<() => void | Promise<void>> = [];
  readonly #names = new Set<string>();

  counter(options: MetricOptions): Counter {
    const family = this.#register(options, "counter", (): Value => ({ value: 0 }));
    const series = (state: Value): CounterSeries => ({
      inc(value = 1) {
        // A counter only goes up: a negative step would look like a restart to rate().
        // Number.isFinite is false for anything that is not a number: no coercion of "2".
        if (!Number.isFinite(value) || value < 0)
          throw new RangeError(`counter "${options.name}": inc() takes a finite number >= 0`);
        state.value += value;
      },
    });
    this.#families.push({ render: () => renderValues(family) });
    return {
      inc: (value) => series(family.only()).inc(value),
      labels: (values) => series(family.get(values)),
    };
  }

  gauge(options: GaugeOptions): Gauge {
    const family = this.#register(options, "gauge", (): Value => ({ value: 0 }));
    const step = (value: number) => {
      if (!Number.isFinite(value))
        throw new RangeError(`gauge "${options.name}": inc() and dec() take a finite number`);
      return value;
    };
    const series = (state: Value): GaugeSeries => ({
      set(value) {
        // ±Infinity is a value a gauge may hold; NaN is not a measurement.
        if (typeof value !== "number" || Number.isNaN(value))
          throw new RangeError(`gauge "${options.name}": set() takes a number, not NaN`);
        state.value = value;
      },
      inc: (value = 1) => {
        state.value += step(value);
      },
      dec: (value = 1) => {
        state.value -= step(value);
      },
    });
    const gauge: Gauge = {
      set: (value) => series(family.only()).set(value),
      inc: (value) => series(family.only()).inc(value),
      dec: (value) => series(family.only()).dec(value),
      labels: (values) => series(family.get(values)),
    };
    const { collect } = options;
    if (collect) this.#collectors.push(() => collect(gauge));
    this.#families.push({ render: () => renderValues(family) });
    return gauge;
  }

  histogram(options: HistogramOptions): Histogram {
    // A copy: the caller may reuse (or change) its array afterwards.
    const bounds = [...(options.buckets ?? DEFAULT_BUCKETS)];
    const family = this.#register(
      options,
      "histogram",
      (): Buckets => ({ bounds, counts: Array(bounds.length + 1).fill(0), sum: 0, count: 0 }),
      () => {
        const increasing = bounds.every((b, i) => i === 0 || b > (bounds[i - 1] as number));
        if (bounds.length === 0 || !bounds.every((b) => Number.isFinite(b)) || !increasing)
          throw new RangeError(
            `histogram "${options.name}": buckets must be finite and strictly increasing (+Inf is added)`,
          );
      },
    );
    const series = (state: Buckets): HistogramSeries => ({
      observe(value) {
        if (!Number.isFinite(value))
          throw new RangeError(`histogram "${options.name}": observe() takes a finite number`);
        // The first bucket whose upper bound is >= the value ("le": less or equal).
        const index = bounds.findIndex((bound) => value <= bound);
        const bucket = index === -1 ? bounds.length : index; // above every bound: the +Inf bucket
        state.counts[bucket] = (state.counts[bucket] as number) + 1;
        state.sum += value;
        state.count += 1;
      },
    });
    this.#families.push({ render: () => renderHistogram(family) });
    return {
      observe: (value) => series(family.only()).observe(value),
      labels: (values) => series(family.get(values)),
    };
  }

  /** The text exposition of every metric, in registration order, after running the collects. */
  async metrics(): Promise<string> {
    // In registration order, one after the other: a collect may read what an earlier one set.
    for (const collect of this.#collectors) await collect();
    return this.#families.map((family) => family.render()).join("");
  }

  /**
   * Checks the options in the README's order — name, help, label names, then what the type adds
   * (`check`: a histogram's buckets), and only then whether the name is taken — so that the
   * first thing wrong is the one reported, and a registration that throws takes no name.
   */
  #register<State>(
    options: MetricOptions,
    type: MetricType,
    newState: () => State,
    check?: () => void,
  ): Family<State> {
    const { name, help, labelNames = [] } = options;
    if (typeof name !== "string" || !METRIC_NAME.test(name))
      throw new TypeError(`invalid metric name "${name}"`);
    if (typeof help !== "string" || help === "")
      throw new TypeError(`metric "${name}" needs a help text`);
    for (const [i, label] of labelNames.entries()) {
      // Names starting with "__" are reserved for Prometheus itself.
      if (!LABEL_NAME.test(label) || label.startsWith("__") || labelNames.indexOf(label) !== i)
        throw new TypeError(`invalid label name "${label}"`);
      if (label === "le")
        throw new TypeError(`invalid label name "le": histograms use it for their buckets`);
    }
    check?.();
    // A histogram writes <name>_bucket, <name>_sum and <name>_count samples: another metric of
    // one of those names would write the same series twice, so they are taken too.
    const names =
      type === "histogram" ? [name, ...HISTOGRAM_SUFFIXES.map((s) => name + s)] : [name];
    if (names.some((n) => this.#names.has(n)))
      throw new Error(
        `metric "${name}" is already registered (a histogram also takes its _bucket, _sum and _count names)`,
      );
    for (const n of names) this.#names.add(n);
    return new Family(name, help, type, [...labelNames], newState);
  }
}

// ---------------------------------------------------------------------------------------------
// The text format

function header(family: Family<unknown>): string {
  return `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
}

function renderValues(family: Family<Value>): string {
  let text = header(family);
  for (const [pairs, { value }] of family.series()) {
    text += `${family.name}${labelSet(pairs)} ${formatNumber(value)}\n`;
  }
  return text;
}

function renderHistogram(family: Family<Buckets>): string {
  let text = header(family);
  for (const [pairs, { bounds, counts, sum, count }] of family.series()) {
    // Buckets are cumulative: each counts every observation <= its bound, so +Inf = count.
    let cumulative = 0;
    for (const [i, bound] of [...bounds, Number.POSITIVE_INFINITY].entries()) {
      cumulative += counts[i] as number;
      text += `${family.name}_bucket${labelSet([...pairs, ["le", formatNumber(bound)]])} ${cumulative}\n`;
    }
    text += `${family.name}_sum${labelSet(pairs)} ${formatNumber(sum)}\n`;
    text += `${family.name}_count${labelSet(pairs)} ${count}\n`;
  }
  return text;
}

function labelSet(pairs: Array<[string, string]>): string {
  if (pairs.length === 0) return "";
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",")}}`;
}

/**
 * Go's float syntax, which Prometheus parses: JavaScript's shortest round-trip digits ("0.1",
 * "1e+21") do, but `String(Infinity)` is "Infinity" where the format says "+Inf".
 */
function formatNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** In HELP text only the backslash and the line feed are escaped (quotes stay as they are). */
function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

/** In label values, the backslash first (or the escapes themselves get escaped), then `"` and LF. */
function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}
