// ConfirmDevice — the signed-in user keeps the device key a sign-in handed out in
// NewDeviceMetadata, with the device's SRP verifier (auth: none; the access token is the
// credential). The device is remembered at once, unless the pool remembers devices only when
// the user says so (DeviceOnlyRememberedOnUserPrompt): then UserConfirmationNecessary is true
// and UpdateDeviceStatus decides (docs/devices.md).
import { parseDeviceVerifierConfig } from "../domain/srp/verifier.js";
import { fail } from "../protocol/errors.js";
import { DEVICE_MESSAGES, rememberedOnPromptOnly } from "../services/devices.js";
import { openSelfService } from "../services/selfService.js";
import type { TokenDeps } from "../services/tokens/index.js";
import { defineOperation } from "./define.js";

export const ConfirmDevice = defineOperation("ConfirmDevice", async (deps: TokenDeps, input, ctx) => {
  const { pool, user } = await openSelfService(deps, input.AccessToken);
  const device = await deps.store.read.devices.get(pool.id, input.DeviceKey);
  if (!device || device.username !== user.username)
    fail("ResourceNotFoundException", DEVICE_MESSAGES.notFound);
  if (device.verifier !== null) fail("DeviceKeyExistsException", DEVICE_MESSAGES.confirmed);
  const parsed = parseDeviceVerifierConfig(input.DeviceSecretVerifierConfig ?? {});
  if (parsed.kind !== "ok") fail("InvalidParameterException", DEVICE_MESSAGES.badVerifier);
  const onPrompt = rememberedOnPromptOnly(pool);
  const confirmed = await deps.store.transaction((tx) =>
    tx.devices.confirm(pool.id, device.deviceKey, {
      verifier: parsed.verifier,
      name: input.DeviceName ?? null,
      status: onPrompt ? "not_remembered" : "remembered",
      now: deps.clock.now(),
      ip: ctx.sourceIp,
    }),
  );
  // Confirmed (or forgotten) by a concurrent request meanwhile.
  if (!confirmed) fail("DeviceKeyExistsException", DEVICE_MESSAGES.confirmed);
  return { UserConfirmationNecessary: onPrompt };
});
