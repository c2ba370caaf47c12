import { assertNever, type Decider } from '../shared/decider';
import { refuse } from '../shared/domain-error';
import type { ChangeKind } from '../shared/vocabulary';

export type ChangeAnnounced = {
  type: 'ChangeAnnounced';
  data: {
    changeId: string;
    kind: ChangeKind;
    description: string;
    product?: string;
    effectiveAt: string;
    announcedAt: string;
  };
};
export type ChangeEvent = ChangeAnnounced;

export type AnnounceChange = {
  type: 'AnnounceChange';
  changeId: string;
  at: string;
  kind: ChangeKind;
  description: string;
  product?: string;
  effectiveAt: string;
};
export type ChangeCommand = AnnounceChange;

interface ChangeState {
  status: 'none' | 'announced';
  change?: ChangeAnnounced['data'];
}

export const changeRules = { alreadyAnnounced: 'change.already_announced' } as const;

export const changeDecider: Decider<ChangeCommand, ChangeEvent, ChangeState> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'ChangeAnnounced':
        return { status: 'announced', change: event.data };
      default:
        return assertNever(event.type);
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'AnnounceChange':
        if (state.status !== 'none')
          refuse(
            changeRules.alreadyAnnounced,
            'conflict',
            `Change ${command.changeId} was already announced`,
          );
        return [
          {
            type: 'ChangeAnnounced',
            data: {
              changeId: command.changeId,
              kind: command.kind,
              description: command.description,
              product: command.product,
              effectiveAt: command.effectiveAt,
              announcedAt: command.at,
            },
          },
        ];
      default:
        return assertNever(command.type);
    }
  },
};
