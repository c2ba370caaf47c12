/** heard's topics under a prefix (default `heard`); their message schemas are in docs/asyncapi.yaml. */
export const topicNames = (prefix = 'heard') =>
  ({
    caseEvents: `${prefix}.case-events`,
    commands: `${prefix}.commands`,
    commandsDlq: `${prefix}.commands.dlq`,
    issueTrends: `${prefix}.issue-trends`,
    followUps: `${prefix}.follow-ups`,
    accountAlerts: `${prefix}.account-alerts`,
    slaAlerts: `${prefix}.sla-alerts`,
    /** In: accounts from a CRM's feed, each message an account (PUT /accounts/:accountId's body). */
    accounts: `${prefix}.accounts`,
    accountsDlq: `${prefix}.accounts.dlq`,
  }) as const;
export type Topics = ReturnType<typeof topicNames>;
export type TopicName = string;

export const TOPICS: Topics = topicNames();

/** The outbound topics whose content the projections produce. */
export const outboundTopics = (topics: Topics) => [
  topics.issueTrends,
  topics.followUps,
  topics.accountAlerts,
  topics.slaAlerts,
];
