import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { Client } from 'pg';
import { postgresPoolSettings, type PostgresLocation } from '@heard/config';
import type { LeaseLogger, LeasedRole, Leases, LeaseStatus } from './leases.port';

/** The first key of heard's advisory locks ("hear"); the second names the lease. */
const LOCK_CLASS = 0x68656172;

/** A lease's advisory-lock key: its schema and name, hashed to a positive 31-bit integer. */
const leaseKey = (schema: string | undefined, name: string): number =>
  createHash('sha1')
    .update(`${schema ?? 'public'}/${name}`)
    .digest()
    .readUInt32BE(0) & 0x7fffffff;

interface Entry {
  role: LeasedRole;
  key: number;
  held: boolean;
  /** `run` is making its first try: the periodic pass leaves it alone (advisory locks are
   * re-entrant in a session, so two tries at once would both win and start the role twice). */
  firstTry: boolean;
  since?: number;
  holder?: string;
}

/**
 * Leases as PostgreSQL session advisory locks, all held on one connection of their own.
 * PostgreSQL lets go of them when that session ends: a holder killed (its socket closed)
 * loses them at once, a holder cut off by the network once TCP keepalive gives up on it.
 * Every `retryMs`, this process tries the leases it does not hold and checks its
 * connection; when the connection fails, every role it ran stops, and it tries again.
 */
export class PostgresLeases implements Leases {
  private readonly entries = new Map<string, Entry>();
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private closed = false;
  constructor(
    private readonly location: PostgresLocation,
    private readonly logger: LeaseLogger,
    private readonly retryMs = 1000,
    /** What other sessions see of this one in pg_stat_activity. */
    readonly identity = `${hostname()}:${process.pid}`,
  ) {}

  async run(name: string, role: LeasedRole): Promise<void> {
    if (this.entries.has(name)) throw new Error(`The lease ${name} is already run by this process`);
    const entry: Entry = {
      role,
      key: leaseKey(this.location.schema, name),
      held: false,
      firstTry: true,
    };
    this.entries.set(name, entry);
    this.timer ??= setInterval(() => void this.tick(), this.retryMs);
    this.timer.unref();
    try {
      await this.pass;
      // The first try is the caller's: a role that cannot start stops the start.
      const client = await this.connected();
      if (await this.tryTake(client, name, entry)) {
        try {
          await role.start();
        } catch (error) {
          await this.letGo(client, entry);
          this.entries.delete(name);
          throw error;
        }
      }
    } finally {
      entry.firstTry = false;
    }
  }

  status(): LeaseStatus[] {
    return [...this.entries].map(([name, e]) => ({
      name,
      held: e.held,
      ...(e.since === undefined ? {} : { since: e.since }),
      ...(e.holder === undefined ? {} : { holder: e.holder }),
    }));
  }

  private tick(): Promise<void> {
    this.pass ??= this.tryAll().finally(() => (this.pass = undefined));
    return this.pass;
  }

  private async tryAll(): Promise<void> {
    if (this.closed) return;
    let client: Client;
    try {
      client = await this.connected();
      // Proves the session (and so every lock it holds) is still there.
      await client.query('SELECT 1');
    } catch (error) {
      await this.lost(error);
      return;
    }
    for (const [name, entry] of this.entries) {
      if (entry.held || entry.firstTry || this.closed) continue;
      try {
        if (!(await this.tryTake(client, name, entry))) continue;
      } catch (error) {
        await this.lost(error);
        return;
      }
      try {
        await entry.role.start();
      } catch (error) {
        this.logger.error(`${name} did not start; letting go of its lease`, error);
        await this.letGo(client, entry).catch(() => undefined);
      }
    }
  }

  private async tryTake(client: Client, name: string, entry: Entry): Promise<boolean> {
    const { rows } = await client.query<{ taken: boolean; holder: string | null }>(
      `SELECT pg_try_advisory_lock($1, $2) AS taken,
              (SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
                  AND l.granted AND l.pid <> pg_backend_pid() LIMIT 1) AS holder`,
      [LOCK_CLASS, entry.key],
    );
    const { taken, holder } = rows[0]!;
    if (!taken) {
      entry.holder = holder?.replace(/^heard /, '') ?? undefined;
      return false;
    }
    entry.held = true;
    entry.since = Date.now();
    entry.holder = undefined;
    this.logger.log(`${name}: this instance (${this.identity}) holds the lease and runs it`);
    return true;
  }

  private async letGo(client: Client, entry: Entry): Promise<void> {
    entry.held = false;
    entry.since = undefined;
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, entry.key]);
  }

  private async connected(): Promise<Client> {
    if (this.client) return this.client;
    const { max: _max, ...settings } = postgresPoolSettings(this.location, 1);
    const client = new Client({
      ...settings,
      application_name: `heard ${this.identity}`,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // A broken connection is noticed by the next pass; it must not crash the process.
    client.on('error', () => undefined);
    await client.connect();
    this.client = client;
    return client;
  }

  /** The session is gone, and every lock with it: stop what ran under them. */
  private async lost(error: unknown): Promise<void> {
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => undefined);
    for (const [name, entry] of this.entries) {
      if (!entry.held) continue;
      entry.held = false;
      entry.since = undefined;
      this.logger.error(
        `${name}: lost the lease (its database session failed); stopping it here`,
        error,
      );
      await entry.role.stop().catch((e: unknown) => this.logger.error(`${name} did not stop`, e));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.pass;
    for (const [name, entry] of [...this.entries].reverse()) {
      if (!entry.held) continue;
      await entry.role.stop().catch((e: unknown) => this.logger.error(`${name} did not stop`, e));
      entry.held = false;
    }
    this.entries.clear();
    // Ending the session lets go of every lock it held.
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
