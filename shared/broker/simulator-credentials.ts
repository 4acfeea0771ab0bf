/**
 * The key pair the project's venue simulator accepts when none is given (documented in the
 * README). Public on purpose: they open nothing but a local simulator, and the engine falls back
 * to them only when the configured venue is the simulator.
 */
export const DEFAULT_SIM_KEY_ID = 'SIMKEYID';
export const DEFAULT_SIM_SECRET_KEY = 'SIMSECRETKEY';
