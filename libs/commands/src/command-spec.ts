import type { DomainCommand } from '@heard/domain';
import type { AccessRole } from '@heard/security';
import type { CommandDto } from './command-dto';

export interface BuildContext {
  /** Business time of the command. */
  at: string;
  /** An id derived from the idempotency key, so that a retry names the same thing. */
  newId(purpose: string): string;
  followUpDelayMs: number;
}

export interface CommandSpec<D extends CommandDto = CommandDto> {
  type: DomainCommand['type'];
  dto: new () => D;
  /** Its HTTP route, `POST /<route>` (or `PUT`); each `:name` is a path parameter (a field of `data` in a batch or on Kafka). */
  route: string;
  /** PUT for a command that sets a whole thing anew (a definition); POST otherwise. */
  method: 'POST' | 'PUT';
  /** Who may send it, on any transport (admin always may). */
  allow: readonly AccessRole[];
  /** What the body's fields do not say (the docs' command table shows it). */
  note?: string;
  /** Its group in the OpenAPI document. */
  tag:
    'cases' | 'issues' | 'changes and incidents' | 'kpi definitions' | 'sla policies' | 'accounts';
  /** The route's path parameters, in order. */
  params: readonly string[];
  build(body: D, params: Record<string, string>, ctx: BuildContext): DomainCommand;
  /** The acting agent named in the body, if any. */
  actorOf?(body: D): string | undefined;
}

/** A command as its aggregate's file describes it: its type is the key it is described under. */
export type CommandDescription = Omit<CommandSpec, 'type'>;

export const spec = <D extends CommandDto>(
  s: Omit<CommandSpec<D>, 'params' | 'tag' | 'type' | 'method'> & { method?: 'PUT' },
) =>
  ({
    ...s,
    method: s.method ?? 'POST',
    params: s.route
      .split('/')
      .filter((part) => part.startsWith(':'))
      .map((part) => part.slice(1)),
    tag: s.route.startsWith('cases')
      ? 'cases'
      : s.route.startsWith('issues')
        ? 'issues'
        : s.route.startsWith('kpi-definitions')
          ? 'kpi definitions'
          : s.route.startsWith('sla-policies')
            ? 'sla policies'
            : s.route.startsWith('accounts')
              ? 'accounts'
              : 'changes and incidents',
  }) as unknown as CommandDescription;

/** Who works a case: agents, their supervisors, and the upstream apps acting for agents. */
export const CASE_WORK: AccessRole[] = ['agent', 'supervisor', 'integration'];
/** Escalating, closing and reopening a case: supervisors (and upstream apps acting for them). */
export const CASE_SUPERVISION: AccessRole[] = ['supervisor', 'integration'];
/** Recurring issues and their fixes: product teams. */
export const ISSUE_WORK: AccessRole[] = ['product'];
/** Changes and incidents that explain contact volumes: product teams and supervisors. */
export const ANNOUNCEMENTS: AccessRole[] = ['product', 'supervisor'];
export const p = (params: Record<string, string>, name: string) => params[name]!;
export const bodyOf = <D extends CommandDto>(body: D): Omit<D, 'commandId'> => {
  const { commandId: _k, ...rest } = body;
  return rest;
};
