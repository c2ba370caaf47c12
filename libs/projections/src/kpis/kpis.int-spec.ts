import { describeOnEachReadStore } from '../../../../test/support/read-stores';
import { readKpis } from './kpis.projection';

/** The KPI table as version 1 of the projection made it, before definitions were data. */
const VERSION_1 = `
  CREATE TABLE kpi_cases (
    case_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, product TEXT, week TEXT NOT NULL,
    opened_day TEXT NOT NULL, opened_ms BIGINT NOT NULL, team TEXT NOT NULL, agent TEXT,
    resolved BIGINT NOT NULL, first_resolved_ms BIGINT, contacts_before_resolution BIGINT NOT NULL,
    handovers BIGINT NOT NULL, handovers_before_resolution BIGINT NOT NULL, reopens BIGINT NOT NULL,
    first_apology_ms BIGINT, apologies BIGINT NOT NULL, third_party_apologies BIGINT NOT NULL,
    confirmed_ms BIGINT, follow_ups_completed BIGINT NOT NULL, satisfied BIGINT NOT NULL,
    csat_sum BIGINT NOT NULL, csat_count BIGINT NOT NULL
  );
  INSERT INTO kpi_cases VALUES ('c1', 'cust-1', 'app', '2026-W10', '2026-03-02', 0, 'first-line',
    'ana', 1, 3600000, 0, 0, 0, 0, NULL, 0, 0, 7200000, 1, 1, 5, 1);
  INSERT INTO kpi_cases VALUES ('c2', 'cust-2', 'app', '2026-W10', '2026-03-02', 0, 'first-line',
    'ana', 1, 3600000, 2, 1, 1, 1, NULL, 0, 0, NULL, 0, 0, 0, 0);`;

describeOnEachReadStore('the KPI report during an upgrade of its projection', (site) => {
  it("answers from version 1's tables, with heard's own definitions, while version 2 is built", async () => {
    const store = site.open();
    try {
      await store.exec(VERSION_1);
      const report = await readKpis(store, { by: 'team' });
      expect(report.definitions.map((d) => [d.kpi, d.version])).toEqual([
        ['first_contact_resolution', 0],
        ['repeat_contacts', 0],
        ['reopen_rate', 0],
        ['satisfied_share', 0],
        ['hours_to_confirmed_fix', 0],
      ]);
      expect(report.overall).toMatchObject({
        cases: 2,
        resolved: 2,
        firstContactResolution: 0.5,
        reopenRate: 0.5,
        satisfiedShare: 1,
        hoursToConfirmedFix: 2,
      });
    } finally {
      await store.close();
    }
  });
});
