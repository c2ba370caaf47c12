export interface FieldError {
  field: string;
  /** Rule name -> message, e.g. { isIn: 'channel must be one of the following values: phone, …' }. */
  rules: Record<string, string>;
}

/** Bad input: every field's problem at once. Nothing was written (or, for a query, read). */
export class ValidationFailed extends Error {
  override readonly name = 'ValidationFailed';
  constructor(
    readonly fields: FieldError[],
    /** A command's input (nothing written) or a query's (nothing read). */
    readonly of: 'command' | 'query' = 'command',
  ) {
    super(`Invalid input: ${fields.map((f) => Object.values(f.rules).join('; ')).join('; ')}`);
  }
}

/** The stream kept moving under a command, even after deciding again: the client may retry. */
export class ConcurrencyConflict extends Error {
  override readonly name = 'ConcurrencyConflict';
  constructor(readonly streamId: string) {
    super(`${streamId} changed while the command was decided; retry it`);
  }
}

/** The caller's credential does not admit this; nothing was written. */
export class Forbidden extends Error {
  override readonly name = 'Forbidden';
  constructor(
    message: string,
    readonly requiredRoles?: string[],
    readonly code = 'forbidden',
  ) {
    super(message);
  }
}
