/**
 * A Prometheus exporter — counters, gauges and histograms in the text exposition format, served
 * on /metrics. The README's API section is the contract; the spec scrapes and parses what you
 * serve with a real parser of the format.
 */

/** The text exposition format, version 0.0.4. */
export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Prometheus' usual default buckets, in seconds (a histogram adds +Inf itself). */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

/** Label name → label value. */
export type Labels = Record<string, string>;

export interface CounterSeries {
  /** Adds `value` (default 1): a finite number >= 0. */
  inc(value?: number): void;
}
export interface Counter extends CounterSeries {
  /** The series of one label set (created at 0 the first time). */
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
  /** Runs before every exposition: read the current value here and `set` it. */
  collect?: (gauge: Gauge) => void | Promise<void>;
}
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, finite and strictly increasing; default DEFAULT_BUCKETS. */
  buckets?: readonly number[];
}

export class Registry {
  counter(_options: MetricOptions): Counter {
    // TODO: register a counter; remember it so that metrics() can render it
    throw new Error("TODO: implement Registry.counter()");
  }

  gauge(_options: GaugeOptions): Gauge {
    throw new Error("TODO: implement Registry.gauge()");
  }

  histogram(_options: HistogramOptions): Histogram {
    throw new Error("TODO: implement Registry.histogram()");
  }

  /** Every metric in the text exposition format, after running the gauges' collects. */
  async metrics(): Promise<string> {
    throw new Error("TODO: implement Registry.metrics()");
  }
}

export interface ServeOptions {
  /** 0 lets the system choose a free port. */
  port: number;
  /** Default "127.0.0.1". */
  host?: string;
}

export interface MetricsServer {
  /** `http://<host>:<port>/metrics`, with the port actually listened on. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `registry.metrics()` on GET /metrics. Resolves once the server is listening. */
export async function serveMetrics(
  _registry: { metrics(): Promise<string> },
  _options: ServeOptions,
): Promise<MetricsServer> {
  throw new Error("TODO: implement serveMetrics()");
}
