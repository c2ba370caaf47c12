/**
 * The length of `JSON.stringify(value)` when no string needs escaping, counted without
 * building the string (no garbage: the command path measures every state and event).
 * Escapes make JSON longer, up to 6 characters (`\u0000`) for each of a string's; UTF-8 takes
 * at most 3 bytes for each UTF-16 unit.
 */
export const jsonLength = (value: unknown): number => {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    case 'object': {
      if (value === null) return 4;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
        return jsonLength((value as { toJSON(): unknown }).toJSON());
      if (Array.isArray(value)) {
        let length = 2 + Math.max(0, value.length - 1);
        for (const item of value) length += item === undefined ? 4 : jsonLength(item);
        return length;
      }
      let length = 2;
      let fields = 0;
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined || typeof item === 'function') continue;
        length += key.length + 3 + jsonLength(item);
        fields++;
      }
      return length + Math.max(0, fields - 1);
    }
    default:
      return 0;
  }
};
