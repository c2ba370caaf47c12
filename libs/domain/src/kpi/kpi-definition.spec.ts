import { specFor } from '../testing/given-when-then';
import { kpiDefinitionDecider, kpiRules, type KpiEvent, type KpiName } from './kpi-definition';

const at = '2026-03-01T10:00:00.000Z';
const defined = (version: number, parameters: Record<string, unknown>): KpiEvent => ({
  type: 'KpiDefined',
  data: { kpi: 'first_contact_resolution', version, parameters, definedAt: at },
});

describe('KPI definition decider', () => {
  const spec = specFor(kpiDefinitionDecider);

  it("defines version 1 over heard's own: what it leaves out is heard's", () =>
    spec([])
      .when({
        type: 'DefineKpi',
        kpi: 'first_contact_resolution',
        at,
        parameters: { noRepeatWithinDays: 7 },
        note: 'No repeat within a week',
      })
      .then([
        {
          type: 'KpiDefined',
          data: {
            kpi: 'first_contact_resolution',
            version: 1,
            parameters: { maxInboundContacts: 0, allowHandovers: false, noRepeatWithinDays: 7 },
            note: 'No repeat within a week',
            definedAt: at,
          },
        },
      ]));

  it('makes each definition a new version, whole: the one before does not carry over', () =>
    spec([defined(1, { maxInboundContacts: 2, allowHandovers: true, noRepeatWithinDays: null })])
      .when({ type: 'DefineKpi', kpi: 'first_contact_resolution', at, parameters: {} })
      .then([
        defined(2, { maxInboundContacts: 0, allowHandovers: false, noRepeatWithinDays: null }),
      ]));

  it("refuses a parameter of another KPI's", () =>
    spec([])
      .when({ type: 'DefineKpi', kpi: 'reopen_rate', at, parameters: { minCsat: 4 } })
      .thenRefuses(kpiRules.unknownParameter, 'invalid'));

  it('refuses a KPI heard does not compute', () =>
    spec([])
      .when({ type: 'DefineKpi', kpi: 'net_promoter_score' as KpiName, at, parameters: {} })
      .thenRefuses(kpiRules.unknownKpi, 'not_found'));
});
