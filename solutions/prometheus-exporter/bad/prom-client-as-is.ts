// Mistake: maps the API straight onto prom-client and trusts its defaults: unsorted buckets are
// accepted, an Infinity bound becomes a second +Inf bucket, labels() creates no series, the
// gauges' collects run all at once, and its plain Errors stand in for the RangeErrors the README
// promises. (NOTES.md, "What prom-client does differently", lists what the real variant adds.)
import client from "prom-client";
import {
  type Counter,
  DEFAULT_BUCKETS,
  type Gauge,
  type GaugeOptions,
  type Histogram,
  type HistogramOptions,
  type Labels,
  type MetricOptions,
} from "../prometheus-exporter";

export * from "../prometheus-exporter";

export class Registry {
  readonly #registry = new client.Registry();

  counter(options: MetricOptions): Counter {
    const counter = new client.Counter({
      ...options,
      labelNames: [...(options.labelNames ?? [])],
      registers: [this.#registry],
    });
    return {
      inc: (value) => counter.inc(value),
      labels: (values: Labels) => ({ inc: (value) => counter.inc(values, value) }),
    };
  }

  gauge(options: GaugeOptions): Gauge {
    const { collect, ...rest } = options;
    const gauge: client.Gauge = new client.Gauge({
      ...rest,
      labelNames: [...(options.labelNames ?? [])],
      registers: [this.#registry],
      ...(collect ? { collect: () => collect(wrapper) } : {}),
    });
    const wrapper: Gauge = {
      set: (value) => gauge.set(value),
      inc: (value) => gauge.inc(value),
      dec: (value) => gauge.dec(value),
      labels: (values: Labels) => ({
        set: (value) => gauge.set(values, value),
        inc: (value) => gauge.inc(values, value),
        dec: (value) => gauge.dec(values, value),
      }),
    };
    return wrapper;
  }

  histogram(options: HistogramOptions): Histogram {
    const histogram = new client.Histogram({
      ...options,
      labelNames: [...(options.labelNames ?? [])],
      buckets: [...(options.buckets ?? DEFAULT_BUCKETS)],
      registers: [this.#registry],
    });
    return {
      observe: (value) => histogram.observe(value),
      labels: (values: Labels) => ({ observe: (value) => histogram.observe(values, value) }),
    };
  }

  metrics(): Promise<string> {
    return this.#registry.metrics();
  }
}
