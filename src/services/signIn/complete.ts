// The end of every successful sign-in, whatever the flow (password, SRP, a new password):
// "PostAuthentication → PreTokenGeneration → tokens", with what the sign-in leaves behind —
// its auth event, a verifier for a user who had none, the lock-out count cleared — committed
// in the transaction that records the refresh token. A PostAuthentication function that
// fails aborts the sign-in. Where the pool tracks devices (docs/devices.md), a sign-in on no
// known device gets a new device key (NewDeviceMetadata) and its tokens are bound to it; one on
// a known device records the sign-in on it.
import type { StoredVerifier } from "../../domain/srp/verifier.js";
import type { Deps } from "../../operations/deps.js";
import type { ChallengeStep, UserRecord } from "../../ports/store/index.js";
import type { TokenGenerationSource } from "../../ports/triggers.js";
import type { AuthenticationResultType } from "../../protocol/generated/shapes.js";
import { newDevice } from "../devices.js";
import { issueTokens, type TokenDeps } from "../tokens/index.js";
import { tracksSignInDevices } from "./devices.js";
import { recordFailure, signInEvent } from "./events.js";
import { runPostAuthentication } from "./guards.js";
import type { Opened } from "./request.js";

export interface CompleteSignIn {
  user: UserRecord;
  source: Exclude<TokenGenerationSource, "TokenGeneration_RefreshTokens">;
  /** When the user proved who they are (epoch ms). */
  authTime: number;
  /** ClientMetadata that reaches PreTokenGeneration (RespondToAuthChallenge's; not InitiateAuth's). */
  clientMetadata?: Record<string, string> | undefined;
  /** The confirmed device of this user the sign-in was on (checked by signIn/devices.ts). */
  deviceKey?: string | undefined;
  /**
   * An SRP verifier made from the password just checked, for a user whose password was set
   * before Cognate stored verifiers: stored unless the password changed meanwhile.
   */
  verifierUpgrade?: StoredVerifier | null;
  /** The user had failed attempts counted: a success clears them. */
  clearFailures?: boolean;
  /** The steps the auth event records (an MFA sign-in's: docs/mfa.md). */
  steps?: ChallengeStep[];
}

export async function completeSignIn(
  deps: TokenDeps & Pick<Deps, "random">,
  s: Opened,
  a: CompleteSignIn,
): Promise<AuthenticationResultType> {
  const now = deps.clock.now();
  const ip = s.request.context.ipAddress ?? s.ctx.sourceIp;
  const device =
    a.deviceKey === undefined && tracksSignInDevices(s) ? newDevice(deps, s.pool.id, a.user, now, ip) : null;
  const deviceKey = device?.deviceKey ?? a.deviceKey;
  try {
    await runPostAuthentication(deps, s, a.user, a.clientMetadata, device !== null);
  } catch (e) {
    // The sign-in fails: recorded as a failed attempt (not counted toward the lock-out).
    await recordFailure(deps, s, a.user);
    throw e;
  }
  const upgrade = a.verifierUpgrade ?? null;
  const result = await issueTokens(
    deps,
    {
      pool: s.pool,
      client: s.client,
      user: a.user,
      source: a.source,
      authTime: a.authTime,
      clientMetadata: a.clientMetadata,
      deviceKey,
      inTransaction: async (tx) => {
        if (device !== null) await tx.devices.createIfAbsent(device);
        else if (deviceKey !== undefined) await tx.devices.touch(s.pool.id, deviceKey, now, ip);
        if (upgrade !== null) {
          const current = await tx.users.getForUpdate(s.pool.id, a.user.username);
          // Only the password that was checked gets this verifier.
          if (current && current.srp === null && current.passwordHash === a.user.passwordHash) {
            await tx.users.update({ ...current, srp: upgrade });
          }
        }
        if (a.clearFailures === true) await tx.signInFailures.clear(s.pool.id, a.user.username);
        await tx.events.add(signInEvent(deps, s, a.user, "Pass", deps.clock.now(), a.steps));
      },
    },
    s.ctx,
  );
  if (device === null) return result;
  return { ...result, NewDeviceMetadata: { DeviceKey: device.deviceKey, DeviceGroupKey: device.groupKey } };
}
