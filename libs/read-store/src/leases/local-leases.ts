import type { LeasedRole, Leases, LeaseStatus } from './leases.port';

/**
 * The embedded default: one process owns the data folder (its lock says so), so every
 * lease is this process's from the start.
 */
export class LocalLeases implements Leases {
  private readonly roles = new Map<string, { role: LeasedRole; since: number }>();

  async run(name: string, role: LeasedRole): Promise<void> {
    await role.start();
    this.roles.set(name, { role, since: Date.now() });
  }

  status(): LeaseStatus[] {
    return [...this.roles].map(([name, { since }]) => ({ name, held: true, since }));
  }

  async close(): Promise<void> {
    for (const { role } of [...this.roles.values()].reverse()) await role.stop();
    this.roles.clear();
  }
}
