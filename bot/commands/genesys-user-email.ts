import type { GenesysRestClient } from '../../src/genesys/genesys-rest-client';

/** Looks up a Genesys user's email by id (GET /api/v2/users/{userId}), for the unit-manager routing rule. */
export function genesysUserEmail(rest: GenesysRestClient): (userId: string) => Promise<string | undefined> {
  return async (userId) => {
    const user = await rest.get<{ email?: unknown }>(`/api/v2/users/${encodeURIComponent(userId)}`);
    return typeof user?.email === 'string' ? user.email : undefined;
  };
}
