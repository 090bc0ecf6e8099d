import type { Logger } from './logger';

/** A Logger that drops everything at no cost: for replays and simulations, whose per-episode logs nobody reads. */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
  child(): Logger {
    return silentLogger;
  },
});
