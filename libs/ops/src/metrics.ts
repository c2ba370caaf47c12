import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The HTTP layer's load shedding, as its guards count it and /metrics reports it. */
export interface LoadShedding {
  inFlight: number;
  inFlightBytes: number;
  shed: number;
  /** When a request was last admitted (ms since the epoch). */
  lastAdmittedAt: number;
}

/** Prometheus metrics of one app instance (its own registry, so tests can run several apps). */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly commands = new Counter({
    name: 'heard_commands_total',
    help: 'Commands handled, by type and outcome (accepted, replayed, invalid, refused_*, conflict, error)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly commandSeconds = new Histogram({
    name: 'heard_command_duration_seconds',
    help: 'Time from a command received to its events durable',
    labelNames: ['type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'heard_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly intakeCommands = new Counter({
    name: 'heard_intake_commands_total',
    help: 'Commands taken from heard.commands, by outcome (accepted, retried, dead_lettered)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'heard_' });
  }

  /** Starts timing a command; call the result with its outcome. */
  commandTimer(type: string): (outcome: string) => void {
    const end = this.commandSeconds.startTimer({ type });
    return (outcome) => {
      end();
      this.commands.inc({ type, outcome });
    };
  }

  /** Load shedding's counters, read when /metrics is scraped. */
  loadShedding(shedding: LoadShedding): void {
    this.gauge(
      'heard_http_in_flight_requests',
      'Requests being handled now (ops routes aside)',
      [],
      (set) => set({}, shedding.inFlight),
    );
    this.gauge(
      'heard_http_in_flight_bytes',
      'Declared body bytes of the requests in flight',
      [],
      (set) => set({}, shedding.inFlightBytes),
    );
    // A counter (it only grows), brought up to the guards' count when /metrics is scraped.
    let counted = 0;
    new Counter({
      name: 'heard_http_shed_total',
      help: 'Requests answered 503 because heard was at its limit of work in flight',
      registers: [this.registry],
      collect() {
        if (shedding.shed > counted) this.inc(shedding.shed - counted);
        counted = shedding.shed;
      },
    });
  }
  intake(outcome: 'accepted' | 'retried' | 'dead_lettered'): void {
    this.intakeCommands.inc({ outcome });
  }

  /** A gauge whose value is read when /metrics is scraped. */
  gauge(
    name: string,
    help: string,
    labelNames: string[],
    collect: (set: (labels: Record<string, string>, value: number) => void) => Promise<void> | void,
  ) {
    const gauge: Gauge<string> = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        await collect((labels, value) => gauge.set(labels, value));
      },
    });
    return gauge;
  }
}
