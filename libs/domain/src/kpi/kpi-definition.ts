import { assertNever, type Decider } from '../shared/decider';
import { refuse } from '../shared/domain-error';

/** The outcome KPIs whose definitions an organisation sets. */
export const KPI_NAMES = [
  'first_contact_resolution',
  'repeat_contacts',
  'reopen_rate',
  'satisfied_share',
  'hours_to_confirmed_fix',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

/** What each KPI's definition says: its thresholds and windows. */
export interface KpiParameters {
  first_contact_resolution: {
    /** Inbound contacts after the opening one, before the first resolution, still "first contact". */
    maxInboundContacts: number;
    /** Whether a case handed over before its resolution may count. */
    allowHandovers: boolean;
    /** Days after the resolution in which a new case of the customer's undoes it (null: none). */
    noRepeatWithinDays: number | null;
  };
  repeat_contacts: {
    /** Inbound contacts counted up to the first resolution, or for the case's whole life. */
    until: 'first_resolution' | 'ever';
  };
  reopen_rate: {
    /** Only reopens within this many days of the first resolution count (null: any). */
    withinDays: number | null;
  };
  satisfied_share: {
    /** Satisfied when the follow-up's CSAT is at least this (null: its outcome says satisfied). */
    minCsat: number | null;
  };
  hours_to_confirmed_fix: {
    /** Fixes confirmed after more days than this are left out of the mean (null: none). */
    capDays: number | null;
  };
}

export type KpiDefinitionOf<K extends KpiName> = KpiParameters[K];

/** heard's own definitions: version 0 of each, in force until an organisation sets one. */
export const BUILT_IN_KPI_DEFINITIONS: { readonly [K in KpiName]: KpiParameters[K] } = {
  first_contact_resolution: {
    maxInboundContacts: 0,
    allowHandovers: false,
    noRepeatWithinDays: null,
  },
  repeat_contacts: { until: 'first_resolution' },
  reopen_rate: { withinDays: null },
  satisfied_share: { minCsat: null },
  hours_to_confirmed_fix: { capDays: null },
};

/** The parameters a KPI's definition has, by name. */
export const kpiParameterNames = (kpi: KpiName): string[] =>
  Object.keys(BUILT_IN_KPI_DEFINITIONS[kpi]);

export type KpiDefined = {
  type: 'KpiDefined';
  data: {
    kpi: KpiName;
    version: number;
    /** The whole definition: what the command left out is heard's own. */
    parameters: Record<string, unknown>;
    /** Why it changed, for whoever reads the figures later. */
    note?: string;
    definedAt: string;
  };
};
export type KpiEvent = KpiDefined;

/** A new version of a KPI's definition: the parameters it sets, the rest as heard's own. */
export type DefineKpi = {
  type: 'DefineKpi';
  kpi: KpiName;
  at: string;
  parameters: Record<string, unknown>;
  note?: string;
};
export type KpiCommand = DefineKpi;

interface KpiDefinitionState {
  version: number;
}

export const kpiRules = {
  unknownKpi: 'kpi.unknown',
  unknownParameter: 'kpi.unknown_parameter',
} as const;

/** Each definition is a new version; what was defined before stays as it was. */
export const kpiDefinitionDecider: Decider<KpiCommand, KpiEvent, KpiDefinitionState> = {
  initialState: () => ({ version: 0 }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'KpiDefined':
        return { version: event.data.version };
      default:
        return assertNever(event.type);
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'DefineKpi': {
        if (!(KPI_NAMES as readonly string[]).includes(command.kpi))
          refuse(
            kpiRules.unknownKpi,
            'not_found',
            `No KPI is called ${command.kpi}; the KPIs: ${KPI_NAMES.join(', ')}`,
          );
        const known = kpiParameterNames(command.kpi);
        for (const name of Object.keys(command.parameters))
          if (!known.includes(name))
            refuse(
              kpiRules.unknownParameter,
              'invalid',
              `${name} is not a parameter of ${command.kpi}; its parameters: ${known.join(', ')}`,
            );
        const given = Object.fromEntries(
          Object.entries(command.parameters).filter(([, value]) => value !== undefined),
        );
        return [
          {
            type: 'KpiDefined',
            data: {
              kpi: command.kpi,
              version: state.version + 1,
              parameters: { ...BUILT_IN_KPI_DEFINITIONS[command.kpi], ...given },
              ...(command.note === undefined ? {} : { note: command.note }),
              definedAt: command.at,
            },
          },
        ];
      }
      default:
        return assertNever(command.type);
    }
  },
};
