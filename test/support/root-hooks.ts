import { stopSharedAzurite } from './azurite';

/**
 * Mocha root hooks (`.mocharc.json` requires this file): after the last file of a run, stop what the run shares, so
 * the process ends by itself with nothing left open (no `exit: true` to hide a leaked socket, timer or child).
 */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopSharedAzurite();
  },
};
