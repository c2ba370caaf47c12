/**
 * Why heard will not start (or a CLI command will not run), said plainly to the person who
 * started it: a setting, a store, a broker. Anything else is a bug and shows its stack.
 */
export class StartRefused extends Error {}
