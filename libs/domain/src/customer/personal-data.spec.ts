import { erasePersonalFields, ERASED, PERSONAL_FIELDS, personalFieldsOf } from './personal-data';

type PersonalFields = typeof PERSONAL_FIELDS;

describe('the personal fields of every event type', () => {
  it('are a decision the compiler asks for: a map without one, or naming a field the event lacks, does not compile', () => {
    const { CaseClosed: _closed, ...withoutOne } = PERSONAL_FIELDS;
    // @ts-expect-error CaseClosed has no decision (typecheck fails here if the map turns partial)
    const incomplete: PersonalFields = withoutOne;
    // @ts-expect-error CaseOpened has no text field named complaint
    const misnamed: PersonalFields = { ...PERSONAL_FIELDS, CaseOpened: ['complaint'] };
    expect(Object.keys(incomplete)).not.toContain('CaseClosed');
    expect(misnamed.CaseOpened).toEqual(['complaint']);
  });

  it('name the free text of case events, nothing of the others', () => {
    expect(personalFieldsOf('CaseOpened')).toEqual(['summary', 'desiredOutcome']);
    expect(personalFieldsOf('FixShipped')).toEqual([]);
    expect(personalFieldsOf('NotAnEvent')).toEqual([]);
    expect(erasePersonalFields({ summary: 'Charged twice', caseId: 'c1' })).toEqual({
      summary: ERASED,
      caseId: 'c1',
    });
  });
});
