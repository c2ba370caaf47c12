// Generated from the types of answers.ts by npm run docs:tables (a test fails when it
// drifts): edit those types, not this file. heard's OpenAPI document serves these schemas.

import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

export const ANSWER_SCHEMAS: Record<string, SchemaObject | ReferenceObject> = {
  AccessRole: {
    type: 'string',
    enum: ['agent', 'supervisor', 'analyst', 'product', 'integration', 'admin'],
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
      total: {
        type: 'object',
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
        },
        required: ['before', 'after', 'difference', 'changePct'],
        additionalProperties: false,
      },
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
      'products',
      'whoHasItNow',
    ],
    additionalProperties: false,
    description: 'The summary as the API shows it at the top of the timeline.',
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
    },
    required: ['issueId', 'customers', 'cases'],
    additionalProperties: false,
  },
  FollowUpOutcome: { type: 'string', enum: ['satisfied', 'not_fixed', 'no_answer'] },
  FollowUpPage: {
    type: 'object',
    properties: {
      followUps: {
        type: 'array',
        items: {
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
      },
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
  KpiReport: {
    type: 'object',
    properties: {
      by: { type: 'string', enum: ['team', 'agent', 'product', 'week'] },
      period: {
        type: 'object',
        properties: {
          from: { type: 'string', nullable: true },
          to: { type: 'string', nullable: true },
        },
        required: ['from', 'to'],
        additionalProperties: false,
      },
      overall: {
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
      rows: {
        type: 'array',
        items: {
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
      },
    },
    required: ['by', 'period', 'overall', 'rows'],
    additionalProperties: false,
  },
  Kpis: { $ref: '#/components/schemas/KpiReport' },
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
  OutboundTopic: { type: 'string', enum: ['issue-trends', 'follow-ups', 'account-alerts'] },
  PartHealth: {
    type: 'object',
    properties: {
      status: {
        type: 'string',
        enum: ['up', 'stalled', 'down'],
        description:
          '`up`: working or idle; `stalled`: has work and made no progress for HEARD_STALL_AFTER; `down`: not answering.',
      },
    },
    required: ['status'],
    additionalProperties: {},
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
      groups: {
        type: 'array',
        items: {
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
              description:
                'Rejected resolutions (and "not fixed" follow-ups) per resolution given.',
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
            'perDay',
            'perWeek',
            'trend',
            'announcedSpiking',
          ],
          additionalProperties: false,
        },
      },
    },
    required: ['period', 'rule', 'groups'],
    additionalProperties: false,
  },
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
  TimelinePage: {
    type: 'object',
    properties: {
      customerId: { type: 'string' },
      summary: { $ref: '#/components/schemas/CustomerSummary' },
      entries: {
        type: 'array',
        items: {
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
      },
      nextCursor: {
        type: 'string',
        nullable: true,
        description: 'Pass as `cursor` to read the next, older page; null on the last page.',
      },
    },
    required: ['customerId', 'summary', 'entries', 'nextCursor'],
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
};
