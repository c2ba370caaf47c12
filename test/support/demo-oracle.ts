import { DEMO_DEFECT_ISSUE, DEMO_IVR_CHANGE, demoHistory, type DemoOptions } from '@heard/demo';

/**
 * What the demo history says, read from the commands themselves: the independent answer the
 * reports are checked against.
 */
export const demoOracle = (options: DemoOptions) => {
  const customerOfCase = new Map<string, string>();
  const categoryOfCase = new Map<string, string>();
  const linkedCustomers = new Set<string>();
  const contacts: Array<{ at: number; channel: string; category: string }> = [];
  let ivrEffectiveAt = 0;
  for (const commands of demoHistory(options))
    for (const c of commands) {
      const d = c.data as Record<string, string>;
      if (c.type === 'OpenCase') {
        customerOfCase.set(d.caseId!, d.customerId!);
        categoryOfCase.set(d.caseId!, d.category!);
        contacts.push({ at: Date.parse(c.occurredAt), channel: d.channel!, category: d.category! });
      }
      if (c.type === 'LogContact' && d.direction === 'inbound')
        contacts.push({
          at: Date.parse(c.occurredAt),
          channel: d.channel!,
          category: categoryOfCase.get(d.caseId!)!,
        });
      if (c.type === 'LinkCaseToIssue' && d.issueId === DEMO_DEFECT_ISSUE)
        linkedCustomers.add(customerOfCase.get(d.caseId!)!);
      if (c.type === 'AnnounceChange' && d.changeId === DEMO_IVR_CHANGE)
        ivrEffectiveAt = Date.parse(d.effectiveAt!);
    }
  /** Contacts per channel in `days` before and after the IVR change took effect. */
  const ivrWindows = (days: number) => {
    const span = days * 86_400_000;
    const byChannel: Record<string, { before: number; after: number }> = {};
    for (const contact of contacts) {
      const side =
        contact.at >= ivrEffectiveAt - span && contact.at < ivrEffectiveAt
          ? 'before'
          : contact.at >= ivrEffectiveAt && contact.at < ivrEffectiveAt + span
            ? 'after'
            : undefined;
      if (!side) continue;
      byChannel[contact.channel] ??= { before: 0, after: 0 };
      byChannel[contact.channel]![side] += 1;
    }
    return byChannel;
  };
  return { linkedCustomers: [...linkedCustomers].sort(), ivrWindows };
};
