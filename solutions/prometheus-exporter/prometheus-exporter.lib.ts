/**
 * The same API on prom-client 15 — the Prometheus client most Node services use.
 *
 * prom-client does the bookkeeping and the text format (escaping, cumulative buckets, `+Inf`,
 * HELP/TYPE lines). This adapter adds what the kata's contract asks and prom-client does not do
 * (see NOTES.md): it checks buckets (prom-client accepts them unsorted and renders `Infinity` as
 * a second +Inf bucket), rejects NaN and non-finite steps with a RangeError (prom-client renders a
 * NaN gauge as "Nan" and throws plain Errors), creates a series at zero when `labels()` is first
 * called, refuses to mix labeled and unlabeled use of one metric, and runs the gauges' collects
 * one after another (prom-client runs them all at once).
 */
import client from "prom-client";

export { CONTENT_TYPE, type MetricsServer, type ServeOptions, serveMetrics } from "./serve-metrics";

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

const finite = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);

export class Registry {
  readonly #registry = new client.Registry();
  readonly #collectors: Array<() => void | Promise<void>> = [];
  /** Every name taken, a histogram's _bucket, _sum and _count included (prom-client checks only the name). */
  readonly #names = new Set<string>();

  counter(options: MetricOptions): Counter {
    const labelNames = this.#check(options, "counter");
    const counter = new client.Counter({ ...options, labelNames, registers: [this.#registry] });
    const series = (labels: Labels | undefined): CounterSeries => ({
      inc(value = 1) {
        if (!finite(value) || value < 0)
          throw new RangeError(`counter "${options.name}": inc() takes a finite number >= 0`);
        if (labels) counter.inc(labels, value);
        else counter.inc(value);
      },
    });
    return {
      inc: (value) => series(unlabeled(options.name, labelNames)).inc(value),
      labels: (values) => {
        const labels = labelSet(options.name, labelNames, values);
        counter.inc(labels, 0); // prom-client shows a label set only once it has a value
        return series(labels);
      },
    };
  }

  gauge(options: GaugeOptions): Gauge {
    const labelNames = this.#check(options, "gauge");
    const { collect, ...rest } = options;
    const series = (labels: Labels | undefined): GaugeSeries => ({
      set(value) {
        if (typeof value !== "number" || Number.isNaN(value))
          throw new RangeError(`gauge "${options.name}": set() takes a number, not NaN`);
        if (labels) gauge.set(labels, value);
        else gauge.set(value);
      },
      inc(value = 1) {
        if (!finite(value))
          throw new RangeError(`gauge "${options.name}": inc() takes a finite number`);
        if (labels) gauge.inc(labels, value);
        else gauge.inc(value);
      },
      dec(value = 1) {
        if (!finite(value))
          throw new RangeError(`gauge "${options.name}": dec() takes a finite number`);
        if (labels) gauge.dec(labels, value);
        else gauge.dec(value);
      },
    });
    const wrapper: Gauge = {
      set: (value) => series(unlabeled(options.name, labelNames)).set(value),
      inc: (value) => series(unlabeled(options.name, labelNames)).inc(value),
      dec: (value) => series(unlabeled(options.name, labelNames)).dec(value),
      labels: (values) => {
        const labels = labelSet(options.name, labelNames, values);
        gauge.inc(labels, 0);
        return series(labels);
      },
    };
    // prom-client has a `collect` option too, but runs every metric's collect at once
    // (Promise.all); the kata's contract is one after another, so the registry runs them.
    const gauge = new client.Gauge({ ...rest, labelNames, registers: [this.#registry] });
    if (collect) this.#collectors.push(() => collect(wrapper));
    return wrapper;
  }

  histogram(options: HistogramOptions): Histogram {
    const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)];
    const labelNames = this.#check(options, "histogram", () => {
      const increasing = buckets.every((b, i) => i === 0 || b > (buckets[i - 1] as number));
      if (buckets.length === 0 || !buckets.every(finite) || !increasing)
        throw new RangeError(
          `histogram "${options.name}": buckets must be finite and strictly increasing (+Inf is added)`,
        );
    });
    const histogram = new client.Histogram({
      ...options,
      labelNames,
      buckets,
      registers: [this.#registry],
    });
    const series = (labels: Labels | undefined): HistogramSeries => ({
      observe(value) {
        if (!finite(value))
          throw new RangeError(`histogram "${options.name}": observe() takes a finite number`);
        if (labels) histogram.observe(labels, value);
        else histogram.observe(value);
      },
    });
    // zero() resets a series, so it may only run the first time a label set is seen.
    const seen = new Set<string>();
    return {
      observe: (value) => series(unlabeled(options.name, labelNames)).observe(value),
      labels: (values) => {
        const labels = labelSet(options.name, labelNames, values);
        const key = JSON.stringify(labelNames.map((n) => labels[n]));
        if (!seen.has(key)) histogram.zero(labels);
        seen.add(key);
        return series(labels);
      },
    };
  }

  async metrics(): Promise<string> {
    for (const collect of this.#collectors) await collect();
    const text = await this.#registry.metrics();
    // prom-client renders an empty registry as "\n"; the kata's contract is "".
    return this.#names.size === 0 ? "" : text;
  }

  /**
   * The checks prom-client does differently (or not at all), with the kata's error types, in the
   * README's order: name, help, label names, the type's own (`check`), and only then the names
   * taken — a histogram takes its _bucket, _sum and _count names too (prom-client does not check).
   */
  #check(options: MetricOptions, type: string, check?: () => void): string[] {
    const { name, help, labelNames = [] } = options;
    if (typeof name !== "string" || !METRIC_NAME.test(name))
      throw new TypeError(`invalid metric name "${name}"`);
    if (typeof help !== "string" || help === "")
      throw new TypeError(`metric "${name}" needs a help text`);
    for (const [i, label] of labelNames.entries()) {
      if (!LABEL_NAME.test(label) || label.startsWith("__") || labelNames.indexOf(label) !== i)
        throw new TypeError(`invalid label name "${label}"`);
      if (type === "histogram" && label === "le")
        throw new TypeError(`invalid label name "le": histograms use it for their buckets`);
    }
    check?.();
    const names =
      type === "histogram" ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
    if (names.some((n) => this.#names.has(n)))
      throw new Error(`metric "${name}" is already registered`);
    for (const n of names) this.#names.add(n);
    return [...labelNames];
  }
}

/** For a metric without labels: `undefined` (its one series); with labels, a TypeError. */
function unlabeled(name: string, labelNames: string[]): undefined {
  if (labelNames.length > 0)
    throw new TypeError(
      `metric "${name}" has labels [${labelNames.join(", ")}]: use labels({...})`,
    );
  return undefined;
}

/** Exactly the declared label names, string values; prom-client would accept a subset. */
function labelSet(name: string, labelNames: string[], values: Labels): Labels {
  const given = Object.keys(values);
  if (given.length !== labelNames.length || !labelNames.every((n) => Object.hasOwn(values, n)))
    throw new TypeError(
      `metric "${name}" takes labels [${labelNames.join(", ")}], got [${given.join(", ")}]`,
    );
  if (!labelNames.every((n) => typeof values[n] === "string"))
    throw new TypeError(`metric "${name}": label values must be strings`);
  return Object.fromEntries(labelNames.map((n) => [n, values[n] as string]));
}
