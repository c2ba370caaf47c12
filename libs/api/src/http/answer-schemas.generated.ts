// Generated from the types of answers.ts by npm run docs:tables (a test fails when it
// drifts): edit those types, not this file. heard's OpenAPI document serves these schemas.

import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

export const ANSWER_SCHEMAS: Record<string, SchemaObject | ReferenceObject> = {
  AccessRole: {
    type: 'string',
    enum: ['agent', 'supervisor', 'analyst', 'product', 'integration', 'sales', 'admin'],
  },
  Account: {
    type: 'object',
    additionalProperties: false,
    properties: {
      versions: { type: 'number' },
      accountId: { type: 'string' },
      version: { type: 'number' },
      definedAt: { type: 'string' },
      name: { type: 'string' },
      tier: {
        type: 'string',
        description:
          'A word the organisation chooses (enterprise, gold, smb): SLA policies match on it.',
      },
      annualRevenue: { $ref: '#/components/schemas/AnnualRevenue' },
      ownerId: { type: 'string', description: "The account's sales owner." },
      successManagerId: { type: 'string' },
    },
    required: ['accountId', 'definedAt', 'name', 'ownerId', 'tier', 'version', 'versions'],
    description:
      "An account's latest version (or the one in force at `asOf`), and how many versions there were.",
  },
  Actor: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      kind: { $ref: '#/components/schemas/ActorKind' },
      role: { type: 'string' },
      via: {
        type: 'string',
        description: 'The upstream app that acted for this agent ("agent ana via crm-app").',
      },
    },
    required: ['id', 'kind'],
    additionalProperties: false,
  },
  ActorKind: { type: 'string', enum: ['agent', 'team', 'app', 'customer', 'system'] },
  AnnouncedChange: {
    type: 'object',
    properties: {
      changeId: { type: 'string' },
      kind: { type: 'string' },
      description: { type: 'string' },
      product: { type: 'string', nullable: true },
      effectiveAt: { type: 'string' },
    },
    required: ['changeId', 'kind', 'description', 'product', 'effectiveAt'],
    additionalProperties: false,
  },
  AnnualRevenue: {
    type: 'object',
    properties: { amount: { type: 'number' }, currency: { type: 'string' } },
    required: ['amount', 'currency'],
    additionalProperties: false,
    description: 'A yearly amount in one currency (ISO 4217).',
  },
  ApiKey: { $ref: '#/components/schemas/ApiKeyShown' },
  ApiKeyMade: {
    type: 'object',
    additionalProperties: false,
    properties: {
      secret: { type: 'string' },
      keyId: { type: 'string' },
      name: { type: 'string' },
      role: { $ref: '#/components/schemas/AccessRole' },
      seesCustomerIds: { type: 'boolean' },
      createdAt: { type: 'string' },
      createdBy: { type: 'string' },
      revokedAt: { type: 'string' },
      revokedBy: { type: 'string' },
    },
    required: ['createdAt', 'createdBy', 'keyId', 'name', 'role', 'secret', 'seesCustomerIds'],
  },
  ApiKeyRecord: {
    type: 'object',
    properties: {
      keyId: { type: 'string' },
      name: { type: 'string' },
      role: { $ref: '#/components/schemas/AccessRole' },
      seesCustomerIds: { type: 'boolean' },
      createdAt: { type: 'string' },
      createdBy: { type: 'string' },
      revokedAt: { type: 'string' },
      revokedBy: { type: 'string' },
    },
    required: ['keyId', 'name', 'role', 'seesCustomerIds', 'createdAt', 'createdBy'],
    additionalProperties: false,
  },
  ApiKeyShown: {
    $ref: '#/components/schemas/ApiKeyRecord',
    description: "A key as admins see it: everything but its secret's digest.",
  },
  ApiKeys: {
    type: 'object',
    properties: { keys: { type: 'array', items: { $ref: '#/components/schemas/ApiKeyShown' } } },
    required: ['keys'],
    additionalProperties: false,
  },
  AuditedEvent: {
    type: 'object',
    properties: {
      eventId: { type: 'string' },
      commandId: { type: 'string' },
      correlationId: { type: 'string' },
      causationId: { type: 'string' },
      actor: { $ref: '#/components/schemas/Actor' },
      occurredAt: { type: 'string', description: 'Business time: when it happened.' },
      recordedAt: { type: 'string', description: 'When the store recorded it.' },
      schemaVersion: { type: 'number' },
      revision: { type: 'number' },
      position: { type: 'string' },
      type: { type: 'string' },
      data: {},
    },
    required: [
      'actor',
      'causationId',
      'commandId',
      'correlationId',
      'data',
      'eventId',
      'occurredAt',
      'position',
      'recordedAt',
      'revision',
      'schemaVersion',
      'type',
    ],
    additionalProperties: false,
    description: 'An event of a case as the store recorded it, with its metadata.',
  },
  Batch: {
    $ref: '#/components/schemas/BatchAnswer',
    description: 'results[i] answers commands[i].',
  },
  BatchAnswer: {
    type: 'object',
    properties: {
      accepted: { type: 'number' },
      failed: { type: 'number' },
      results: { type: 'array', items: { $ref: '#/components/schemas/BatchItemAnswer' } },
    },
    required: ['accepted', 'failed', 'results'],
    additionalProperties: false,
  },
  BatchItemAnswer: {
    type: 'object',
    properties: {
      index: { type: 'number' },
      status: { type: 'number' },
      body: {
        anyOf: [
          { $ref: '#/components/schemas/CommandReceipt' },
          { $ref: '#/components/schemas/ErrorBody' },
        ],
      },
    },
    required: ['index', 'status', 'body'],
    additionalProperties: false,
    description: 'One command of a batch: 201 and its receipt, or its error status and body.',
  },
  CandidateAcceptance: {
    type: 'object',
    properties: {
      candidateId: { type: 'string' },
      issueId: { type: 'string' },
      created: { type: 'boolean' },
      linked: { type: 'array', items: { type: 'string' } },
      alreadyLinked: { type: 'array', items: { type: 'string' } },
      notFound: { type: 'array', items: { type: 'string' } },
      position: { type: 'string' },
    },
    required: ['candidateId', 'issueId', 'created', 'linked', 'alreadyLinked', 'notFound'],
    additionalProperties: false,
  },
  CandidateIssue: {
    type: 'object',
    properties: {
      candidateId: {
        type: 'string',
        description:
          'Stable while its first case stays in it: derived from the product and that case.',
      },
      product: { type: 'string', nullable: true },
      title: { type: 'string', description: 'The summary most cases share.' },
      keywords: {
        type: 'array',
        items: { type: 'string' },
        description: 'The words that weigh most in the group.',
      },
      category: {
        type: 'string',
        description: 'The category most of its cases have, and how many have each.',
      },
      categories: { type: 'object', additionalProperties: { type: 'number' } },
      cases: { type: 'number' },
      customers: { type: 'number' },
      accounts: {
        type: 'array',
        items: { type: 'string' },
        description: "Its cases' accounts, their tiers now, and their annual revenue per currency.",
      },
      tiers: { type: 'array', items: { type: 'string' } },
      revenueAtStake: { $ref: '#/components/schemas/RevenueAtStake' },
      firstOpenedAt: { type: 'string' },
      lastOpenedAt: { type: 'string' },
      caseIds: { type: 'array', items: { type: 'string' } },
    },
    required: [
      'candidateId',
      'product',
      'title',
      'keywords',
      'category',
      'categories',
      'cases',
      'customers',
      'accounts',
      'tiers',
      'revenueAtStake',
      'firstOpenedAt',
      'lastOpenedAt',
      'caseIds',
    ],
    additionalProperties: false,
  },
  CandidateIssues: { $ref: '#/components/schemas/CandidateIssuesReport' },
  CandidateIssuesReport: {
    type: 'object',
    properties: {
      from: { type: 'string' },
      to: { type: 'string' },
      candidates: { type: 'array', items: { $ref: '#/components/schemas/CandidateIssue' } },
    },
    required: ['from', 'to', 'candidates'],
    additionalProperties: false,
    description: 'Candidates among the cases opened from `from` to `to` (days).',
  },
  Case: {
    $ref: '#/components/schemas/CaseAnswer',
    description: 'A case as it stands, or as it stood at `asOf`.',
  },
  CaseAnswer: {
    type: 'object',
    properties: {
      status: { $ref: '#/components/schemas/CaseStatus' },
      caseId: { type: 'string' },
      customerId: { type: 'string' },
      accountId: { type: 'string' },
      channel: { $ref: '#/components/schemas/Channel' },
      category: { type: 'string' },
      product: { type: 'string' },
      summary: { type: 'string' },
      desiredOutcome: { type: 'string' },
      openedAt: { type: 'string' },
      lastActivityAt: { type: 'string' },
      holder: { $ref: '#/components/schemas/CaseHolder' },
      contacts: { type: 'number' },
      apologies: { type: 'array', items: { $ref: '#/components/schemas/CaseApology' } },
      handovers: { type: 'number' },
      lastHandover: {
        type: 'object',
        properties: {
          fromAgentId: { type: 'string' },
          toAgentId: { type: 'string' },
          toTeam: { type: 'string' },
          summary: { type: 'string' },
          handedOverAt: { type: 'string' },
        },
        required: ['fromAgentId', 'summary', 'handedOverAt'],
        additionalProperties: false,
      },
      diagnosis: {
        type: 'object',
        properties: {
          agentId: { type: 'string' },
          symptoms: { type: 'string' },
          rootCause: { type: 'string' },
          desiredOutcome: { type: 'string' },
          diagnosedAt: { type: 'string' },
        },
        required: ['agentId', 'symptoms', 'desiredOutcome', 'diagnosedAt'],
        additionalProperties: false,
      },
      fixes: { type: 'object', additionalProperties: { $ref: '#/components/schemas/CaseFix' } },
      escalation: {
        type: 'object',
        properties: {
          level: { $ref: '#/components/schemas/EscalationLevel' },
          reason: { type: 'string' },
          escalatedAt: { type: 'string' },
        },
        required: ['level', 'reason', 'escalatedAt'],
        additionalProperties: false,
      },
      issueIds: { type: 'array', items: { type: 'string' } },
      resolution: {
        type: 'object',
        properties: {
          agentId: { type: 'string' },
          resolution: { type: 'string' },
          resolvedAt: { type: 'string' },
          status: { type: 'string', enum: ['pending', 'confirmed', 'rejected'] },
        },
        required: ['agentId', 'resolution', 'resolvedAt', 'status'],
        additionalProperties: false,
      },
      followUps: {
        type: 'object',
        additionalProperties: { $ref: '#/components/schemas/CaseFollowUp' },
      },
      reopenCount: { type: 'number' },
      closedAt: { type: 'string' },
      sla: {
        $ref: '#/components/schemas/CaseSla',
        description: 'The SLA the case is held to and its clocks; absent when no policy matched.',
      },
      waiting: {
        type: 'object',
        properties: {
          on: { $ref: '#/components/schemas/WaitingOn' },
          reason: { type: 'string' },
          since: { type: 'string' },
        },
        required: ['on', 'reason', 'since'],
        additionalProperties: false,
        description:
          'Set while the case waits on the customer or a third party: the clocks are paused.',
      },
      promises: {
        type: 'object',
        additionalProperties: { $ref: '#/components/schemas/CasePromise' },
      },
      revision: { type: 'number' },
      asOf: {
        type: 'string',
        description: 'Set when the case was folded as it stood at that moment.',
      },
    },
    additionalProperties: false,
    required: [
      'apologies',
      'caseId',
      'category',
      'contacts',
      'customerId',
      'fixes',
      'followUps',
      'handovers',
      'holder',
      'issueIds',
      'promises',
      'reopenCount',
      'revision',
      'status',
      'summary',
    ],
  },
  CaseApology: {
    type: 'object',
    properties: {
      agentId: { type: 'string' },
      fault: { $ref: '#/components/schemas/Fault' },
      statement: { type: 'string' },
      thirdParty: { type: 'string' },
      apologizedAt: { type: 'string' },
    },
    required: ['agentId', 'fault', 'statement', 'apologizedAt'],
    additionalProperties: false,
  },
  CaseAuditTrail: {
    type: 'object',
    properties: {
      caseId: { type: 'string' },
      events: { type: 'array', items: { $ref: '#/components/schemas/AuditedEvent' } },
    },
    required: ['caseId', 'events'],
    additionalProperties: false,
  },
  CaseFix: {
    type: 'object',
    properties: {
      fixId: { type: 'string' },
      kind: { $ref: '#/components/schemas/FixKind' },
      description: { type: 'string' },
      status: { type: 'string', enum: ['proposed', 'applied'] },
      proposedBy: { type: 'string' },
      proposedAt: { type: 'string' },
      appliedBy: { type: 'string' },
      appliedAt: { type: 'string' },
    },
    required: ['fixId', 'kind', 'description', 'status', 'proposedBy', 'proposedAt'],
    additionalProperties: false,
  },
  CaseFollowUp: {
    type: 'object',
    properties: {
      followUpId: { type: 'string' },
      dueAt: { type: 'string' },
      status: { type: 'string', enum: ['scheduled', 'completed'] },
      outcome: { $ref: '#/components/schemas/FollowUpOutcome' },
      csat: { type: 'number' },
      completedAt: { type: 'string' },
    },
    required: ['followUpId', 'dueAt', 'status'],
    additionalProperties: false,
  },
  CaseHolder: {
    type: 'object',
    properties: { agentId: { type: 'string' }, team: { type: 'string' } },
    additionalProperties: false,
    description: 'Who holds the case now: the agent or team that the customer is talking to.',
  },
  CasePromise: {
    type: 'object',
    properties: {
      promiseId: { type: 'string' },
      agentId: { type: 'string' },
      promise: { type: 'string' },
      dueAt: { type: 'string' },
      keptBy: { $ref: '#/components/schemas/PromiseKeptBy' },
      status: { type: 'string', enum: ['open', 'kept', 'broken'] },
      madeAt: { type: 'string' },
      keptAt: { type: 'string' },
      brokenAt: { type: 'string' },
    },
    required: ['promiseId', 'agentId', 'promise', 'dueAt', 'keptBy', 'status', 'madeAt'],
    additionalProperties: false,
  },
  CaseSla: {
    type: 'object',
    properties: {
      policyId: { type: 'string' },
      version: { type: 'number' },
      name: { type: 'string' },
      calendar: { $ref: '#/components/schemas/SlaCalendar' },
      durations: {
        type: 'object',
        properties: {
          firstResponse: { type: 'number' },
          nextResponse: { type: 'number' },
          resolution: { type: 'number' },
        },
        additionalProperties: false,
        description:
          "Each target's business time in ms (numbers: `resolution` alone names personal text).",
      },
      warnAt: { type: 'number' },
      escalation: { type: 'array', items: { $ref: '#/components/schemas/SlaEscalationStep' } },
      targets: {
        type: 'object',
        properties: {
          firstResponse: { $ref: '#/components/schemas/SlaClock' },
          nextResponse: { $ref: '#/components/schemas/SlaClock' },
          resolution: { $ref: '#/components/schemas/SlaClock' },
        },
        additionalProperties: false,
      },
    },
    required: [
      'policyId',
      'version',
      'name',
      'calendar',
      'durations',
      'warnAt',
      'escalation',
      'targets',
    ],
    additionalProperties: false,
    description:
      'The policy a case is held to (the version that matched when it opened) and its clocks.',
  },
  CaseStatus: { type: 'string', enum: ['none', 'open', 'resolved', 'closed'] },
  ChangeImpact: {
    type: 'object',
    properties: {
      change: {
        type: 'object',
        properties: {
          changeId: { type: 'string' },
          kind: { type: 'string' },
          description: { type: 'string' },
          product: { type: 'string', nullable: true },
          effectiveAt: { type: 'string' },
        },
        required: ['changeId', 'kind', 'description', 'product', 'effectiveAt'],
        additionalProperties: false,
      },
      windowDays: { type: 'number' },
      before: {
        type: 'object',
        properties: { from: { type: 'string' }, to: { type: 'string' } },
        required: ['from', 'to'],
        additionalProperties: false,
      },
      after: {
        type: 'object',
        properties: { from: { type: 'string' }, to: { type: 'string' } },
        required: ['from', 'to'],
        additionalProperties: false,
      },
      afterWindowComplete: {
        type: 'boolean',
        description:
          'False while the after window is still running (contacts seen up to `observedUntil`).',
      },
      observedUntil: { type: 'string', nullable: true },
      scope: {
        type: 'string',
        description:
          "Contacts counted: the change's product only, or every product for a change without one.",
      },
      total: { $ref: '#/components/schemas/ImpactCount' },
      byCategory: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            before: { type: 'number' },
            after: { type: 'number' },
            difference: { type: 'number' },
            changePct: {
              type: 'number',
              nullable: true,
              description:
                '(after - before) / before, rounded to 0.1%; null when there was none before.',
            },
            category: { type: 'string' },
          },
          required: ['after', 'before', 'category', 'changePct', 'difference'],
        },
      },
      byChannel: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            before: { type: 'number' },
            after: { type: 'number' },
            difference: { type: 'number' },
            changePct: {
              type: 'number',
              nullable: true,
              description:
                '(after - before) / before, rounded to 0.1%; null when there was none before.',
            },
            channel: { type: 'string' },
          },
          required: ['after', 'before', 'changePct', 'channel', 'difference'],
        },
      },
      byCategoryAndChannel: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            before: { type: 'number' },
            after: { type: 'number' },
            difference: { type: 'number' },
            changePct: {
              type: 'number',
              nullable: true,
              description:
                '(after - before) / before, rounded to 0.1%; null when there was none before.',
            },
            category: { type: 'string' },
            channel: { type: 'string' },
          },
          required: ['after', 'before', 'category', 'changePct', 'channel', 'difference'],
        },
      },
    },
    required: [
      'change',
      'windowDays',
      'before',
      'after',
      'afterWindowComplete',
      'observedUntil',
      'scope',
      'total',
      'byCategory',
      'byChannel',
      'byCategoryAndChannel',
    ],
    additionalProperties: false,
  },
  Changes: { $ref: '#/components/schemas/ChangesList' },
  ChangesList: {
    type: 'object',
    properties: {
      changes: { type: 'array', items: { $ref: '#/components/schemas/AnnouncedChange' } },
    },
    required: ['changes'],
    additionalProperties: false,
  },
  Channel: {
    type: 'string',
    enum: ['phone', 'email', 'chat', 'social', 'web', 'in_person', 'ivr'],
  },
  Checkpoint: {
    type: 'string',
    description:
      'Where an event is in the whole store, and where a reader resumes: opaque, made by the adapter, and ordered as strings (each adapter writes them at a fixed width), so that `a < b` means `a` comes first. Nothing outside an adapter takes one apart or does arithmetic on it. `START` is before the first event.',
  },
  ClockStatus: { type: 'string', enum: ['running', 'paused', 'met', 'breached', 'stopped'] },
  CommandAnswer: {
    type: 'object',
    properties: {
      ids: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description:
          'The ids the command named or generated: caseId, fixId, followUpId, contactId, …',
      },
      streamId: { type: 'string' },
      revision: { type: 'number' },
      position: {
        $ref: '#/components/schemas/Checkpoint',
        description:
          "The store's position of the last event: pass it as minPosition to read your write.",
      },
      events: { type: 'array', items: { type: 'string' } },
    },
    required: ['ids', 'streamId', 'revision', 'position', 'events'],
    additionalProperties: false,
    description: "A write's answer: the ids, the stream, and the position to read one's own write.",
  },
  CommandReceipt: {
    type: 'object',
    properties: {
      ids: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description:
          'The ids the command named or generated: caseId, fixId, followUpId, contactId, …',
      },
      streamId: { type: 'string' },
      revision: { type: 'number' },
      position: {
        $ref: '#/components/schemas/Checkpoint',
        description:
          "The store's position of the last event: pass it as minPosition to read your write.",
      },
      events: { type: 'array', items: { type: 'string' } },
      replayed: {
        type: 'boolean',
        description:
          'True when the idempotency key had been seen: this is the first answer, nothing was written.',
      },
    },
    required: ['ids', 'streamId', 'revision', 'position', 'events', 'replayed'],
    additionalProperties: false,
  },
  CredentialKind: {
    type: 'string',
    enum: ['api-key', 'jwt', 'admin-key', 'kafka-topic', 'auth-off'],
    description: 'How a caller proved who it is.',
  },
  CustomerMatch: {
    type: 'object',
    properties: {
      customerId: { type: 'string' },
      accountIds: { type: 'array', items: { type: 'string' } },
      cases: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            caseId: { type: 'string' },
            status: { type: 'string' },
            category: { type: 'string' },
            product: { type: 'string', nullable: true },
            openedAt: { type: 'string' },
          },
          required: ['caseId', 'status', 'category', 'product', 'openedAt'],
          additionalProperties: false,
        },
      },
    },
    required: ['customerId', 'accountIds', 'cases'],
    additionalProperties: false,
  },
  CustomerSearch: {
    type: 'object',
    properties: {
      search: { type: 'string' },
      customers: { type: 'array', items: { $ref: '#/components/schemas/CustomerMatch' } },
    },
    required: ['search', 'customers'],
    additionalProperties: false,
  },
  CustomerSummary: {
    type: 'object',
    properties: {
      customerId: { type: 'string' },
      contacts: { type: 'number' },
      lastContactAt: { type: 'string' },
      lastHandover: {
        type: 'object',
        properties: {
          caseId: { type: 'string' },
          fromAgentId: { type: 'string' },
          toAgentId: { type: 'string' },
          toTeam: { type: 'string' },
          summary: { type: 'string' },
          handedOverAt: { type: 'string' },
        },
        required: ['caseId', 'fromAgentId', 'summary', 'handedOverAt'],
        additionalProperties: false,
      },
      apologies: {
        type: 'object',
        properties: {
          total: { type: 'number' },
          byFault: {
            type: 'object',
            properties: {
              ours: { type: 'number' },
              third_party: { type: 'number' },
              customer: { type: 'number' },
              unknown: { type: 'number' },
            },
            additionalProperties: false,
          },
          latest: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                caseId: { type: 'string' },
                agentId: { type: 'string' },
                fault: { $ref: '#/components/schemas/Fault' },
                thirdParty: { type: 'string' },
                statement: { type: 'string' },
                apologizedAt: { type: 'string' },
              },
              required: ['caseId', 'agentId', 'fault', 'statement', 'apologizedAt'],
              additionalProperties: false,
            },
          },
        },
        required: ['total', 'byFault', 'latest'],
        additionalProperties: false,
      },
      fixesApplied: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            caseId: { type: 'string' },
            fixId: { type: 'string' },
            kind: { $ref: '#/components/schemas/FixKind' },
            description: { type: 'string' },
            appliedAt: { type: 'string' },
          },
          required: ['caseId', 'fixId', 'appliedAt'],
          additionalProperties: false,
        },
      },
      incidents: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            incidentId: { type: 'string' },
            title: { type: 'string' },
            declaredAt: { type: 'string' },
          },
          required: ['incidentId', 'title', 'declaredAt'],
          additionalProperties: false,
        },
      },
      openPromises: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            caseId: { type: 'string' },
            promiseId: { type: 'string' },
            agentId: { type: 'string' },
            promise: { type: 'string', description: 'The words said to the customer.' },
            dueAt: { type: 'string' },
          },
          required: ['caseId', 'promiseId', 'agentId', 'promise', 'dueAt'],
          additionalProperties: false,
        },
        description:
          'Promises not yet kept or broken, the soonest due first: "we promised you … by …".',
      },
      accountIds: { type: 'array', items: { type: 'string' } },
      cases: {
        type: 'object',
        properties: {
          total: { type: 'number' },
          active: { type: 'number' },
          closed: { type: 'number' },
        },
        required: ['total', 'active', 'closed'],
        additionalProperties: false,
      },
      openCases: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            caseId: { type: 'string' },
            status: { $ref: '#/components/schemas/CaseStatus' },
            category: { type: 'string' },
            product: { type: 'string' },
            summary: { type: 'string' },
            accountId: { type: 'string' },
            openedAt: { type: 'string' },
            lastActivityAt: { type: 'string' },
            holder: { $ref: '#/components/schemas/CaseHolder' },
            escalation: { $ref: '#/components/schemas/EscalationLevel' },
          },
          required: [
            'caseId',
            'status',
            'category',
            'summary',
            'openedAt',
            'lastActivityAt',
            'holder',
          ],
          additionalProperties: false,
        },
        description: 'The cases not closed, the most recently active first.',
      },
      whoHasItNow: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            agentId: { type: 'string' },
            team: { type: 'string' },
            caseId: { type: 'string' },
          },
          required: ['caseId'],
        },
      },
      products: { type: 'array', items: { type: 'string' } },
    },
    required: [
      'accountIds',
      'apologies',
      'cases',
      'contacts',
      'customerId',
      'fixesApplied',
      'incidents',
      'openCases',
      'openPromises',
      'products',
      'whoHasItNow',
    ],
    additionalProperties: false,
    description:
      'The summary as the API shows it at the top of the timeline: what we promised first.',
  },
  Erasure: { $ref: '#/components/schemas/ErasureReport' },
  ErasureReport: {
    type: 'object',
    properties: {
      customerId: { type: 'string' },
      erasedAt: { type: 'string' },
      cases: { type: 'number', description: 'Cases of the customer found in the read models.' },
      messagesRewritten: { type: 'number' },
      readModelsForgotten: {
        type: 'boolean',
        description: 'false: the read models had not applied the erasure within 30 s; they will.',
      },
      position: { type: 'string' },
    },
    required: [
      'customerId',
      'erasedAt',
      'cases',
      'messagesRewritten',
      'readModelsForgotten',
      'position',
    ],
    additionalProperties: false,
  },
  ErrorBody: {
    type: 'object',
    properties: {
      statusCode: { type: 'number' },
      error: {
        type: 'string',
        description:
          'Stable and machine-readable: a rule name such as handover.executive_summary_required.',
      },
      message: { type: 'string' },
      fields: { type: 'array', items: { $ref: '#/components/schemas/FieldError' } },
      requiredRoles: { type: 'array', items: { type: 'string' } },
    },
    required: ['statusCode', 'error', 'message'],
    additionalProperties: false,
    description:
      "A refused command as every transport answers it: an HTTP answer's body, a dead letter's reason.",
  },
  EscalationLevel: { type: 'string', enum: ['team', 'manager', 'executive'] },
  Fault: { type: 'string', enum: ['ours', 'third_party', 'customer', 'unknown'] },
  FieldError: {
    type: 'object',
    properties: {
      field: { type: 'string' },
      rules: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description:
          "Rule name -> message, e.g. { isIn: 'channel must be one of the following values: phone, …' }.",
      },
    },
    required: ['field', 'rules'],
    additionalProperties: false,
  },
  FixKind: {
    type: 'string',
    enum: [
      'refund',
      'replacement',
      'repair',
      'workaround',
      'credit',
      'product_fix',
      'policy_exception',
      'other',
    ],
  },
  FixNoticeAudience: {
    type: 'object',
    properties: {
      issueId: { type: 'string' },
      customers: { type: 'number' },
      cases: { type: 'number' },
      accounts: {
        type: 'array',
        items: { type: 'string' },
        description:
          'The accounts of its cases, their tiers, and their annual revenue per currency.',
      },
      tiers: { type: 'array', items: { type: 'string' } },
      revenueAtStake: { $ref: '#/components/schemas/RevenueAtStake' },
      fixAwaiting: {
        type: 'object',
        properties: { linkId: { type: 'string' }, release: { type: 'string' } },
        required: ['linkId', 'release'],
        additionalProperties: false,
        nullable: true,
        description:
          'A linked tracker issue closed as done: the fix waits for one click, with this release.',
      },
      trackerLinks: { type: 'array', items: { $ref: '#/components/schemas/TrackerLinkView' } },
    },
    required: [
      'issueId',
      'customers',
      'cases',
      'accounts',
      'tiers',
      'revenueAtStake',
      'fixAwaiting',
      'trackerLinks',
    ],
    additionalProperties: false,
  },
  FollowUp: {
    type: 'object',
    properties: {
      followUpId: { type: 'string' },
      caseId: { type: 'string' },
      customerId: { type: 'string' },
      product: { type: 'string', nullable: true },
      resolution: { type: 'string', nullable: true },
      scheduledAt: { type: 'string' },
      dueAt: { type: 'string' },
      status: {
        type: 'string',
        enum: ['scheduled', 'due', 'completed', 'cancelled'],
        description:
          "scheduled (not due yet), due (waiting for the customer's answer), completed, cancelled.",
      },
      cancelReason: {
        type: 'string',
        nullable: true,
        description:
          'Why it was not needed: the customer confirmed first, or the case was reopened.',
      },
      triggerSentAt: {
        type: 'string',
        nullable: true,
        description: 'When its trigger went to the follow-ups topic (null: not yet).',
      },
      outcome: { type: 'string', nullable: true },
      csat: { type: 'number', nullable: true },
      note: { type: 'string', nullable: true },
      completedAt: { type: 'string', nullable: true },
    },
    required: [
      'followUpId',
      'caseId',
      'customerId',
      'product',
      'resolution',
      'scheduledAt',
      'dueAt',
      'status',
      'cancelReason',
      'triggerSentAt',
      'outcome',
      'csat',
      'note',
      'completedAt',
    ],
    additionalProperties: false,
  },
  FollowUpOutcome: { type: 'string', enum: ['satisfied', 'not_fixed', 'no_answer'] },
  FollowUpPage: {
    type: 'object',
    properties: {
      followUps: { type: 'array', items: { $ref: '#/components/schemas/FollowUp' } },
      nextCursor: { type: 'string', nullable: true },
    },
    required: ['followUps', 'nextCursor'],
    additionalProperties: false,
  },
  FollowUps: { $ref: '#/components/schemas/FollowUpPage' },
  GroupCustomer: {
    type: 'object',
    properties: {
      customerId: { type: 'string' },
      caseIds: { type: 'array', items: { type: 'string' } },
      firstOpenedAt: { type: 'string' },
      lastOpenedAt: { type: 'string' },
      openCases: { type: 'number' },
    },
    required: ['customerId', 'caseIds', 'firstOpenedAt', 'lastOpenedAt', 'openCases'],
    additionalProperties: false,
  },
  Health: { $ref: '#/components/schemas/HealthReport' },
  HealthReport: {
    type: 'object',
    properties: {
      status: {
        type: 'string',
        enum: ['ok', 'degraded'],
        description:
          '`ok`: every part up; `degraded`: a part is stalled or down (named in `degraded`).',
      },
      degraded: { type: 'array', items: { type: 'string' } },
      parts: { type: 'object', additionalProperties: { $ref: '#/components/schemas/PartHealth' } },
    },
    required: ['status', 'degraded', 'parts'],
    additionalProperties: false,
  },
  ImpactCount: {
    type: 'object',
    properties: {
      before: { type: 'number' },
      after: { type: 'number' },
      difference: { type: 'number' },
      changePct: {
        type: 'number',
        nullable: true,
        description: '(after - before) / before, rounded to 0.1%; null when there was none before.',
      },
    },
    required: ['before', 'after', 'difference', 'changePct'],
    additionalProperties: false,
  },
  KpiDefinitionVersion: {
    type: 'object',
    properties: {
      kpi: { $ref: '#/components/schemas/KpiName' },
      version: { type: 'number' },
      parameters: { type: 'object', additionalProperties: {} },
      note: { type: 'string', nullable: true },
      definedAt: { type: 'string', nullable: true },
      definedBy: { type: 'string', nullable: true },
    },
    required: ['kpi', 'version', 'parameters', 'note', 'definedAt', 'definedBy'],
    additionalProperties: false,
    description: "A definition of one KPI as a report uses it: version 0 is heard's own.",
  },
  KpiDefinitions: {
    type: 'object',
    properties: {
      definitions: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            current: { type: 'boolean' },
            kpi: { $ref: '#/components/schemas/KpiName' },
            version: { type: 'number' },
            parameters: { type: 'object', additionalProperties: {} },
            note: { type: 'string', nullable: true },
            definedAt: { type: 'string', nullable: true },
            definedBy: { type: 'string', nullable: true },
          },
          required: ['current', 'definedAt', 'definedBy', 'kpi', 'note', 'parameters', 'version'],
        },
      },
    },
    required: ['definitions'],
    additionalProperties: false,
    description:
      "Every version of every KPI's definition; `current` marks those the report reads by default.",
  },
  KpiDimension: { type: 'string', enum: ['team', 'agent', 'product', 'week'] },
  KpiName: {
    type: 'string',
    enum: [
      'first_contact_resolution',
      'repeat_contacts',
      'reopen_rate',
      'satisfied_share',
      'hours_to_confirmed_fix',
    ],
  },
  KpiRow: {
    type: 'object',
    properties: {
      key: {
        type: 'string',
        nullable: true,
        description:
          'The team, agent, product or week; null for cases without one (no product, no agent yet).',
      },
      cases: { type: 'number' },
      resolved: { type: 'number' },
      firstContactResolution: {
        type: 'number',
        nullable: true,
        description:
          'Share of resolved cases solved without another inbound contact, handover or reopen.',
      },
      repeatContactsBeforeResolution: {
        type: 'number',
        nullable: true,
        description:
          'Inbound contacts after the opening one, before the first resolution, per resolved case.',
      },
      handoversPerCase: { type: 'number', nullable: true },
      reopenRate: {
        type: 'number',
        nullable: true,
        description:
          'Share of resolved cases reopened at least once (rejected, "not fixed", or reopened).',
      },
      hoursToFirstApology: {
        type: 'number',
        nullable: true,
        description: 'Mean hours from opening to the first apology, over cases with one.',
      },
      hoursToConfirmedFix: {
        type: 'number',
        nullable: true,
        description:
          'Mean hours from opening to the confirmation that held (customer or follow-up).',
      },
      satisfaction: {
        type: 'number',
        nullable: true,
        description: 'Mean CSAT (1 to 5) of completed follow-ups that gave one.',
      },
      followUpsCompleted: { type: 'number' },
      satisfiedShare: { type: 'number', nullable: true },
      thirdPartyApologyShare: {
        type: 'number',
        nullable: true,
        description: "Share of apologies that named a third party's fault.",
      },
    },
    required: [
      'key',
      'cases',
      'resolved',
      'firstContactResolution',
      'repeatContactsBeforeResolution',
      'handoversPerCase',
      'reopenRate',
      'hoursToFirstApology',
      'hoursToConfirmedFix',
      'satisfaction',
      'followUpsCompleted',
      'satisfiedShare',
      'thirdPartyApologyShare',
    ],
    additionalProperties: false,
  },
  Kpis: {
    type: 'object',
    additionalProperties: false,
    properties: {
      sla: { $ref: '#/components/schemas/SlaFigures' },
      by: { $ref: '#/components/schemas/KpiDimension' },
      period: {
        type: 'object',
        properties: {
          from: { type: 'string', nullable: true },
          to: { type: 'string', nullable: true },
        },
        required: ['from', 'to'],
        additionalProperties: false,
      },
      definitions: {
        type: 'array',
        items: { $ref: '#/components/schemas/KpiDefinitionVersion' },
        description: 'The definition (and version) each KPI was computed with.',
      },
      overall: { $ref: '#/components/schemas/KpiRow' },
      rows: { type: 'array', items: { $ref: '#/components/schemas/KpiRow' } },
    },
    required: ['by', 'definitions', 'overall', 'period', 'rows', 'sla'],
    description:
      "The outcome KPIs, and the SLA's: attainment and promises kept per team, agent and policy version.",
  },
  Me: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      roles: { type: 'array', items: { $ref: '#/components/schemas/AccessRole' } },
      credential: { $ref: '#/components/schemas/CredentialKind' },
      seesCustomerIds: { type: 'boolean' },
    },
    required: ['id', 'roles', 'credential', 'seesCustomerIds'],
    additionalProperties: false,
  },
  Messages: { $ref: '#/components/schemas/MessagesPage' },
  MessagesPage: {
    type: 'object',
    properties: {
      messages: { type: 'array', items: { $ref: '#/components/schemas/StoredOutboundMessage' } },
      next: {
        type: 'number',
        nullable: true,
        description: '`after` for the next page; null on the last.',
      },
    },
    required: ['messages', 'next'],
    additionalProperties: false,
  },
  OutboundTopic: {
    type: 'string',
    enum: ['issue-trends', 'follow-ups', 'account-alerts', 'sla-alerts'],
  },
  OwnedAccount: {
    type: 'object',
    properties: {
      accountId: { type: 'string' },
      name: { type: 'string', nullable: true },
      tier: { type: 'string', nullable: true },
      as: {
        type: 'string',
        enum: ['owner', 'successManager'],
        description: 'How the person relates to it: its sales owner or its success manager.',
      },
      openCases: { type: 'number' },
      hot: { type: 'boolean', description: 'Above the open-cases threshold now.' },
    },
    required: ['accountId', 'name', 'tier', 'as', 'openCases', 'hot'],
    additionalProperties: false,
  },
  OwnerAlert: {
    type: 'object',
    properties: {
      alertId: { type: 'string' },
      type: { type: 'string' },
      accountId: { type: 'string' },
      caseId: { type: 'string', nullable: true },
      reason: { type: 'string' },
      at: { type: 'string' },
      data: { type: 'object', additionalProperties: {} },
    },
    required: ['alertId', 'type', 'accountId', 'caseId', 'reason', 'at', 'data'],
    additionalProperties: false,
  },
  OwnerAlerts: {
    type: 'object',
    properties: {
      ownerId: { type: 'string' },
      accounts: { type: 'array', items: { $ref: '#/components/schemas/OwnedAccount' } },
      alerts: { type: 'array', items: { $ref: '#/components/schemas/OwnerAlert' } },
    },
    required: ['ownerId', 'accounts', 'alerts'],
    additionalProperties: false,
  },
  PartHealth: {
    type: 'object',
    properties: { status: { $ref: '#/components/schemas/PartState' } },
    required: ['status'],
    additionalProperties: {},
  },
  PartState: {
    type: 'string',
    enum: ['up', 'stalled', 'down'],
    description:
      '`up`: working or idle; `stalled`: has work and made no progress for HEARD_STALL_AFTER; `down`: not answering.',
  },
  PromiseCounts: {
    type: 'object',
    properties: {
      key: { type: 'string', nullable: true },
      kept: { type: 'number' },
      broken: { type: 'number' },
      open: { type: 'number' },
    },
    required: ['key', 'kept', 'broken', 'open'],
    additionalProperties: false,
  },
  PromiseKeptBy: {
    type: 'string',
    enum: ['outbound_contact', 'fix_applied', 'resolution', 'manual'],
  },
  RecurringIssue: {
    type: 'object',
    properties: {
      group: { type: 'string' },
      kind: { type: 'string', enum: ['issue', 'unlinked'] },
      issueId: { type: 'string', nullable: true },
      title: { type: 'string' },
      product: { type: 'string', nullable: true },
      category: { type: 'string' },
      issueStatus: {
        type: 'string',
        nullable: true,
        description: 'For an issue: identified, acknowledged, fix_shipped or closed.',
      },
      owner: {
        type: 'object',
        properties: { team: { type: 'string' }, owner: { type: 'string' } },
        required: ['team', 'owner'],
        additionalProperties: false,
        nullable: true,
      },
      fixRelease: { type: 'string', nullable: true },
      cases: {
        type: 'number',
        description: 'Cases opened in the period, and what became of them.',
      },
      customers: { type: 'number' },
      repeatContacts: {
        type: 'number',
        description: 'Inbound contacts after the one that opened the case.',
      },
      open: { type: 'number' },
      resolved: { type: 'number' },
      closed: { type: 'number' },
      medianHoursToConfirmedFix: { type: 'number', nullable: true },
      rejectedShare: {
        type: 'number',
        nullable: true,
        description: 'Rejected resolutions (and "not fixed" follow-ups) per resolution given.',
      },
      accounts: {
        type: 'array',
        items: { type: 'string' },
        description:
          'The accounts with a case in the period or a case still open, their tiers as they are now.',
      },
      tiers: { type: 'array', items: { type: 'string' } },
      revenueAtStake: {
        $ref: '#/components/schemas/RevenueAtStake',
        description:
          'Annual revenue of those accounts, per currency (ISO 4217), each account once.',
      },
      trackerLinks: {
        type: 'array',
        items: { $ref: '#/components/schemas/TrackerLinkView' },
        description: 'The tracker issues linked to it, with what their webhooks last said.',
      },
      fixAwaiting: {
        type: 'object',
        properties: { linkId: { type: 'string' }, release: { type: 'string' } },
        required: ['linkId', 'release'],
        additionalProperties: false,
        nullable: true,
        description:
          'A linked tracker issue was closed as done and the fix waits for one click (`ask`).',
      },
      perDay: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            day: { type: 'string' },
            cases: { type: 'number' },
            customers: { type: 'number' },
          },
          required: ['day', 'cases', 'customers'],
          additionalProperties: false,
        },
      },
      perWeek: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            week: { type: 'string' },
            cases: { type: 'number' },
            customers: { type: 'number' },
          },
          required: ['week', 'cases', 'customers'],
          additionalProperties: false,
        },
      },
      trend: { $ref: '#/components/schemas/TrendReading' },
      announcedSpiking: {
        type: 'boolean',
        description: 'What the issue-trends topic last said: spiking or not.',
      },
    },
    required: [
      'group',
      'kind',
      'issueId',
      'title',
      'product',
      'category',
      'issueStatus',
      'owner',
      'fixRelease',
      'cases',
      'customers',
      'repeatContacts',
      'open',
      'resolved',
      'closed',
      'medianHoursToConfirmedFix',
      'rejectedShare',
      'accounts',
      'tiers',
      'revenueAtStake',
      'trackerLinks',
      'fixAwaiting',
      'perDay',
      'perWeek',
      'trend',
      'announcedSpiking',
    ],
    additionalProperties: false,
  },
  RecurringIssueCustomers: {
    type: 'object',
    properties: {
      group: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      customers: { type: 'array', items: { $ref: '#/components/schemas/GroupCustomer' } },
    },
    required: ['group', 'customers'],
    additionalProperties: false,
  },
  RecurringIssues: { $ref: '#/components/schemas/RecurringIssuesReport' },
  RecurringIssuesReport: {
    type: 'object',
    properties: {
      period: {
        type: 'object',
        properties: { from: { type: 'string' }, to: { type: 'string' } },
        required: ['from', 'to'],
        additionalProperties: false,
      },
      revenueCurrency: {
        type: 'string',
        nullable: true,
        description: 'The currency `sort=revenue` ranked by (null when no account has revenue).',
      },
      rule: {
        type: 'object',
        additionalProperties: false,
        properties: {
          description: { type: 'string' },
          windowDays: { type: 'number' },
          baselineDays: { type: 'number' },
          minCases: {
            type: 'number',
            description:
              'Fewer cases than this in the window is a handful, never a spike (nor a recurring problem).',
          },
          ratio: {
            type: 'number',
            description: "The window's daily rate must reach this multiple of the baseline's.",
          },
        },
        required: ['baselineDays', 'description', 'minCases', 'ratio', 'windowDays'],
      },
      groups: { type: 'array', items: { $ref: '#/components/schemas/RecurringIssue' } },
    },
    required: ['period', 'revenueCurrency', 'rule', 'groups'],
    additionalProperties: false,
  },
  RevenueAtStake: {
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Revenue per currency (ISO 4217 code to yearly amount).',
  },
  SlaAttainment: {
    type: 'object',
    properties: {
      key: {
        type: 'string',
        nullable: true,
        description:
          'The team, agent or `policyId v<version>` the counts are of (null: nobody named).',
      },
      met: { type: 'number' },
      breached: { type: 'number' },
      attainment: {
        type: 'number',
        nullable: true,
        description: 'met / (met + breached); null before any target settled.',
      },
    },
    required: ['key', 'met', 'breached', 'attainment'],
    additionalProperties: false,
  },
  SlaCalendar: {
    type: 'object',
    properties: {
      timeZone: { type: 'string', description: 'An IANA name such as Europe/Berlin.' },
      hours: {
        anyOf: [
          { type: 'string', enum: ['24x7'] },
          {
            type: 'object',
            properties: {
              mon: { type: 'array', items: { type: 'string' } },
              tue: { type: 'array', items: { type: 'string' } },
              wed: { type: 'array', items: { type: 'string' } },
              thu: { type: 'array', items: { type: 'string' } },
              fri: { type: 'array', items: { type: 'string' } },
              sat: { type: 'array', items: { type: 'string' } },
              sun: { type: 'array', items: { type: 'string' } },
            },
            additionalProperties: false,
          },
        ],
        description:
          '`24x7`, or per weekday a list of `HH:MM-HH:MM` ranges (end up to 24:00); a day left out is closed.',
      },
      holidays: {
        type: 'array',
        items: { type: 'string' },
        description: 'Local dates (YYYY-MM-DD) on which the clocks stand still all day.',
      },
    },
    required: ['timeZone', 'hours', 'holidays'],
    additionalProperties: false,
    description:
      "When an SLA's clocks run: business hours per weekday in one time zone (local wall-clock times, so a DST change moves them with the office), minus whole-day holidays.",
  },
  SlaClock: {
    type: 'object',
    properties: {
      target: { $ref: '#/components/schemas/SlaTarget' },
      cycle: {
        type: 'number',
        description: '1 for the first; next response and a reopened resolution start new cycles.',
      },
      status: { $ref: '#/components/schemas/ClockStatus' },
      startedAt: { type: 'string' },
      dueAt: {
        type: 'string',
        description: 'When it falls due while running (absent while paused or once settled).',
      },
      warnAt: {
        type: 'string',
        description: 'When its warning falls due, while running and not yet warned.',
      },
      warned: { type: 'boolean' },
      metAt: { type: 'string' },
      breachedAt: { type: 'string' },
      stoppedAt: {
        type: 'string',
        description: 'Closed before it was met (the case closed unresolved).',
      },
      consumedMs: { type: 'number' },
      runningSince: { type: 'string' },
    },
    required: ['target', 'cycle', 'status', 'startedAt', 'warned', 'consumedMs'],
    additionalProperties: false,
    description:
      "One cycle of one target's clock. Business time used is kept while it runs from `runningSince`; a pause banks it in `consumedMs`, so a resume moves the due time on.",
  },
  SlaEscalationStep: {
    type: 'object',
    properties: {
      level: { $ref: '#/components/schemas/EscalationLevel' },
      after: {
        type: 'string',
        description:
          'ISO 8601 duration after the breach (wall-clock time); PT0S escalates at the breach.',
      },
      notifySales: { type: 'boolean' },
    },
    required: ['level', 'after', 'notifySales'],
    additionalProperties: false,
    description:
      "One level of escalation: how long after the breach, and whether the account's sales team is told.",
  },
  SlaFigures: {
    type: 'object',
    properties: {
      attainment: {
        type: 'object',
        properties: {
          byTeam: { type: 'array', items: { $ref: '#/components/schemas/SlaAttainment' } },
          byAgent: { type: 'array', items: { $ref: '#/components/schemas/SlaAttainment' } },
          byPolicyVersion: { type: 'array', items: { $ref: '#/components/schemas/SlaAttainment' } },
        },
        required: ['byTeam', 'byAgent', 'byPolicyVersion'],
        additionalProperties: false,
      },
      promises: {
        type: 'object',
        properties: {
          byTeam: { type: 'array', items: { $ref: '#/components/schemas/PromiseCounts' } },
          byAgent: { type: 'array', items: { $ref: '#/components/schemas/PromiseCounts' } },
        },
        required: ['byTeam', 'byAgent'],
        additionalProperties: false,
      },
    },
    required: ['attainment', 'promises'],
    additionalProperties: false,
    description:
      "The SLA's figures in the KPIs: attainment and promises kept per team, agent and policy version.",
  },
  SlaMatch: {
    type: 'object',
    properties: {
      channels: { type: 'array', items: { $ref: '#/components/schemas/Channel' } },
      categories: { type: 'array', items: { type: 'string' } },
      products: { type: 'array', items: { type: 'string' } },
      accountTiers: { type: 'array', items: { type: 'string' } },
    },
    additionalProperties: false,
    description: "Which cases a policy holds: every list given must contain the case's value.",
  },
  SlaPolicies: {
    $ref: '#/components/schemas/SlaPolicyList',
    description: 'Every SLA policy at its latest version, with the versions before it.',
  },
  SlaPolicyList: {
    type: 'object',
    properties: {
      policies: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            versions: { type: 'array', items: { $ref: '#/components/schemas/SlaPolicyVersion' } },
            policyId: { type: 'string' },
            version: { type: 'number' },
            definedAt: { type: 'string' },
            name: { type: 'string' },
            priority: {
              type: 'number',
              description:
                'Lower first: the first policy by priority that matches a case holds it.',
            },
            match: { $ref: '#/components/schemas/SlaMatch' },
            calendar: { $ref: '#/components/schemas/SlaCalendar' },
            targets: {
              type: 'object',
              properties: {
                firstResponse: { type: 'string' },
                nextResponse: { type: 'string' },
                resolution: { type: 'string' },
              },
              additionalProperties: false,
            },
            warnAt: {
              type: 'number',
              description: 'Share of a target at which a warning is recorded (0 < warnAt < 1).',
            },
            escalation: {
              type: 'array',
              items: { $ref: '#/components/schemas/SlaEscalationStep' },
            },
          },
          required: [
            'calendar',
            'definedAt',
            'escalation',
            'match',
            'name',
            'policyId',
            'priority',
            'targets',
            'version',
            'versions',
            'warnAt',
          ],
        },
      },
    },
    required: ['policies'],
    additionalProperties: false,
    description:
      'Every policy at its latest version, each with the versions before it (newest first).',
  },
  SlaPolicyVersion: {
    type: 'object',
    additionalProperties: false,
    properties: {
      policyId: { type: 'string' },
      version: { type: 'number' },
      definedAt: { type: 'string' },
      name: { type: 'string' },
      priority: {
        type: 'number',
        description: 'Lower first: the first policy by priority that matches a case holds it.',
      },
      match: { $ref: '#/components/schemas/SlaMatch' },
      calendar: { $ref: '#/components/schemas/SlaCalendar' },
      targets: {
        type: 'object',
        properties: {
          firstResponse: { type: 'string' },
          nextResponse: { type: 'string' },
          resolution: { type: 'string' },
        },
        additionalProperties: false,
      },
      warnAt: {
        type: 'number',
        description: 'Share of a target at which a warning is recorded (0 < warnAt < 1).',
      },
      escalation: { type: 'array', items: { $ref: '#/components/schemas/SlaEscalationStep' } },
    },
    required: [
      'calendar',
      'definedAt',
      'escalation',
      'match',
      'name',
      'policyId',
      'priority',
      'targets',
      'version',
      'warnAt',
    ],
    description: "A policy's latest version, as the catalog holds it.",
  },
  SlaReport: {
    type: 'object',
    properties: {
      asOf: { type: 'string' },
      filter: {
        type: 'object',
        properties: {
          team: { type: 'string' },
          agentId: { type: 'string' },
          policyId: { type: 'string' },
        },
        additionalProperties: false,
      },
      cases: { type: 'array', items: { $ref: '#/components/schemas/SlaReportRow' } },
      attainment: {
        type: 'object',
        properties: {
          byTeam: { type: 'array', items: { $ref: '#/components/schemas/SlaAttainment' } },
          byAgent: { type: 'array', items: { $ref: '#/components/schemas/SlaAttainment' } },
          byPolicyVersion: { type: 'array', items: { $ref: '#/components/schemas/SlaAttainment' } },
        },
        required: ['byTeam', 'byAgent', 'byPolicyVersion'],
        additionalProperties: false,
      },
      promises: {
        type: 'object',
        properties: {
          byTeam: { type: 'array', items: { $ref: '#/components/schemas/PromiseCounts' } },
          byAgent: { type: 'array', items: { $ref: '#/components/schemas/PromiseCounts' } },
        },
        required: ['byTeam', 'byAgent'],
        additionalProperties: false,
      },
    },
    required: ['asOf', 'filter', 'cases', 'attainment', 'promises'],
    additionalProperties: false,
  },
  SlaReportRow: {
    type: 'object',
    properties: {
      caseId: { type: 'string' },
      customerId: { type: 'string' },
      target: { $ref: '#/components/schemas/SlaTarget' },
      cycle: { type: 'number' },
      state: {
        type: 'string',
        enum: ['at_risk', 'breached'],
        description:
          'at_risk: running and past its warning; breached: its due time passed while the case is open.',
      },
      dueAt: { type: 'string', nullable: true },
      breachedAt: { type: 'string', nullable: true },
      policyId: { type: 'string' },
      policyVersion: { type: 'number' },
      agentId: { type: 'string', nullable: true },
      team: { type: 'string', nullable: true },
    },
    required: [
      'caseId',
      'customerId',
      'target',
      'cycle',
      'state',
      'dueAt',
      'breachedAt',
      'policyId',
      'policyVersion',
      'agentId',
      'team',
    ],
    additionalProperties: false,
  },
  SlaTarget: { type: 'string', enum: ['firstResponse', 'nextResponse', 'resolution'] },
  StoredOutboundMessage: {
    type: 'object',
    properties: {
      id: {
        type: 'string',
        description:
          'Derived from its trigger (the event, the follow-up, the day of a trend change), never random: replaying the events (a rebuild) derives the same id, which is already here.',
      },
      topic: { $ref: '#/components/schemas/OutboundTopic' },
      type: { type: 'string', description: 'CloudEvent type, `heard.<topic-ish>.<what>`.' },
      key: {
        type: 'string',
        description:
          'Partition key: the customer of a notice, the account of an alert, the group of a trend.',
      },
      subject: { type: 'string' },
      time: { type: 'string', description: 'Business time of the trigger.' },
      data: { type: 'object', additionalProperties: {} },
      seq: { type: 'number' },
      createdAt: { type: 'string' },
      sentAt: { type: 'string', nullable: true },
    },
    required: [
      'createdAt',
      'data',
      'id',
      'key',
      'sentAt',
      'seq',
      'subject',
      'time',
      'topic',
      'type',
    ],
    additionalProperties: false,
  },
  Timeline: { $ref: '#/components/schemas/TimelinePage' },
  TimelineEntry: {
    type: 'object',
    properties: {
      position: {
        $ref: '#/components/schemas/Checkpoint',
        description:
          "The event store's position of the event (opaque; newer entries have greater ones).",
      },
      caseId: { type: 'string', nullable: true },
      type: { type: 'string' },
      occurredAt: { type: 'string' },
      actor: { type: 'string' },
      headline: { type: 'string' },
      details: { type: 'object', additionalProperties: {} },
    },
    required: ['position', 'caseId', 'type', 'occurredAt', 'actor', 'headline', 'details'],
    additionalProperties: false,
  },
  TimelinePage: {
    type: 'object',
    properties: {
      customerId: { type: 'string' },
      summary: { $ref: '#/components/schemas/CustomerSummary' },
      entries: { type: 'array', items: { $ref: '#/components/schemas/TimelineEntry' } },
      nextCursor: {
        type: 'string',
        nullable: true,
        description: 'Pass as `cursor` to read the next, older page; null on the last page.',
      },
    },
    required: ['customerId', 'summary', 'entries', 'nextCursor'],
    additionalProperties: false,
  },
  Tracker: { type: 'string', enum: ['github', 'gitlab', 'jira', 'linear'] },
  TrackerChange: {
    type: 'object',
    properties: {
      ref: {
        type: 'string',
        description:
          "How heard's links name it (see parseTrackerUrl): `owner/repo#12`, `group/project#12`, `KEY-12`.",
      },
      state: {
        type: 'string',
        description:
          "The tracker's own word for where it stands: `closed (completed)`, `opened`, `Done`.",
      },
      done: {
        type: 'boolean',
        description: 'Closed as done: the fix is made (not closed as "won\'t do" or a duplicate).',
      },
      release: {
        type: 'string',
        description: 'The milestone, fix version or release the tracker names, if any.',
      },
    },
    required: ['ref', 'state', 'done'],
    additionalProperties: false,
    description: "What a delivery says about one tracker issue, in heard's terms.",
  },
  TrackerLinkView: {
    type: 'object',
    properties: {
      issueId: { type: 'string' },
      linkId: { type: 'string' },
      tracker: { type: 'string' },
      ref: { type: 'string' },
      url: { type: 'string' },
      onTrackerDone: { type: 'string', enum: ['ask', 'ship'] },
      state: {
        type: 'string',
        nullable: true,
        description:
          'What the tracker last said (`open`, `closed: completed`, a Jira status…); null until then.',
      },
      done: { type: 'boolean' },
      release: { type: 'string', nullable: true },
      awaiting: {
        type: 'boolean',
        description: 'Done and its fix not shipped yet: waiting for one click.',
      },
      commented: {
        type: 'boolean',
        description: 'heard commented on it with who is waiting (the comment back).',
      },
      linkedAt: { type: 'string' },
      changedAt: { type: 'string', nullable: true },
    },
    required: [
      'issueId',
      'linkId',
      'tracker',
      'ref',
      'url',
      'onTrackerDone',
      'state',
      'done',
      'release',
      'awaiting',
      'commented',
      'linkedAt',
      'changedAt',
    ],
    additionalProperties: false,
  },
  TrendReading: {
    type: 'object',
    properties: {
      asOf: { type: 'string', description: "The day of reference (the window's last day)." },
      windowCases: { type: 'number' },
      baselineCases: { type: 'number' },
      windowPerDay: { type: 'number' },
      baselinePerDay: { type: 'number' },
      ratio: {
        type: 'number',
        nullable: true,
        description:
          'windowPerDay / baselinePerDay; null when the baseline is empty (a new problem).',
      },
      recurring: { type: 'boolean', description: 'At least minCases in the window.' },
      spiking: {
        type: 'boolean',
        description: 'Recurring, and at least `ratio` times the baseline rate (or new).',
      },
    },
    required: [
      'asOf',
      'windowCases',
      'baselineCases',
      'windowPerDay',
      'baselinePerDay',
      'ratio',
      'recurring',
      'spiking',
    ],
    additionalProperties: false,
  },
  WaitingOn: { type: 'string', enum: ['customer', 'third_party'] },
  WebhookDelivery: {
    type: 'object',
    properties: {
      deliveryId: { type: 'string' },
      tracker: { $ref: '#/components/schemas/Tracker' },
      change: {
        $ref: '#/components/schemas/TrackerChange',
        description: 'The tracker issue the delivery is about, and its state there.',
      },
      ignored: {
        type: 'string',
        description:
          'Why nothing was recorded: not an issue event, or an issue no heard issue is linked to.',
      },
      outcomes: { type: 'array', items: { $ref: '#/components/schemas/WebhookOutcome' } },
    },
    required: ['deliveryId', 'tracker', 'outcomes'],
    additionalProperties: false,
    description:
      "A tracker's delivery taken: what it said, and what heard recorded on each linked issue.",
  },
  WebhookOutcome: {
    type: 'object',
    properties: {
      issueId: { type: 'string' },
      linkId: { type: 'string' },
      result: {
        type: 'string',
        enum: ['recorded', 'already_recorded', 'ignored'],
        description: 'Recorded now, or (a redelivery) recorded before under this delivery id.',
      },
      rule: {
        type: 'string',
        description:
          'Why it was ignored: the rule the issue answered with (state unchanged, issue closed).',
      },
      fixShipped: {
        type: 'boolean',
        description: "heard shipped the fix itself (the link's `onTrackerDone` is `ship`).",
      },
      position: {
        type: 'string',
        description: 'Where it was written: `minPosition` for a read that sees it.',
      },
    },
    required: ['issueId', 'linkId', 'result'],
    additionalProperties: false,
    description:
      'What heard did with a delivery, per heard issue linked to the tracker issue it names.',
  },
};
