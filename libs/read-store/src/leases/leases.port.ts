/**
 * Work that must run on one instance at a time (the projections, the publisher, the relay,
 * the scheduler): started when this process takes the lease, stopped when it loses it.
 */
export interface LeasedRole {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface LeaseStatus {
  name: string;
  /** This process holds it and its role runs here. */
  held: boolean;
  /** Since when (epoch ms) this process holds it. */
  since?: number;
  /** Who holds it when this process does not, as far as the database says ("host:pid"). */
  holder?: string;
}

export interface Leases {
  /**
   * Runs `role` while this process holds the lease `name`: now, or once its holder is gone.
   * Resolves after the first try: the role started, or another process holds the lease. A
   * role that fails to start the first time rejects it (a start refusal reaches the caller).
   */
  run(name: string, role: LeasedRole): Promise<void>;
  status(): LeaseStatus[];
  /** Stops every role this process runs and lets go of the leases. */
  close(): Promise<void>;
}

export const LEASES = Symbol('Leases');

export interface LeaseLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}
