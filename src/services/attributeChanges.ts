// Changing a user's attributes (AdminUpdateUserAttributes, AdminDeleteUserAttributes,
// UpdateUserAttributes, DeleteUserAttributes, VerifyUserAttribute): the plan of
// src/domain/attributeChanges.ts run in one transaction with the sign-in aliases kept in step,
// and the verification codes for changed email addresses and phone numbers sent through the
// one-time-code service (CustomMessage_UpdateUserAttribute).
//
// Aliases follow the attributes: in UsernameAttributes pools an email or phone number is a
// sign-in name as soon as it is set, so a value another user signs in with is refused
// (AliasExistsException); in AliasAttributes pools an email or phone number is one only while
// verified (an unverified new value gives up the old alias), and a preferred_username as soon
// as the user is confirmed. When an administrator verifies a value another user holds as an
// alias, the alias moves and the other user's value stops being verified (as ConfirmSignUp's
// ForceAliasCreation does).

import { type AttributePlan, planAttributeChange, targetFor } from "../domain/attributeChanges.js";
import type { AttributeEdit, Writer } from "../domain/attributeEdits.js";
import { aliasKey } from "../domain/attributes.js";
import { verifyPurpose } from "../domain/codePurposes.js";
import type { DeliveryTarget } from "../domain/delivery.js";
import { caseInsensitive } from "../domain/pool.js";
import type { Deps } from "../operations/deps.js";
import type {
  AliasKind,
  PoolRecord,
  StoreRead,
  StoreTx,
  UserRecord,
  VerifiableAttribute,
} from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import { type IssueDeps, type IssuedCode, issueCode, saveCode } from "./codes.js";

export interface AttributeChange {
  pool: PoolRecord;
  user: UserRecord;
  edit: AttributeEdit;
  writer: Writer;
  /** The app client of the request, or null for admin operations. */
  clientId: string | null;
  clientMetadata: Record<string, string> | undefined;
  userAgent: string | undefined;
}

export type ChangeOutcome = { kind: "ok"; sent: DeliveryTarget[]; user: UserRecord } | { kind: "gone" };

/** What to do when a value is another user's alias: refuse, or (administrator) move it. */
export type AliasConflict = { kind: "move" } | { kind: "refuse"; message: (kind: AliasKind) => string };

/** The answer of the update operations: "An account with the given email already exists." */
export const givenAliasTaken = (kind: AliasKind) => `An account with the given ${kind} already exists.`;

export async function changeAttributes(
  deps: IssueDeps & Pick<Deps, "store">,
  req: AttributeChange,
): Promise<ChangeOutcome> {
  const { pool, edit, writer } = req;
  const username = req.user.username;
  const pending = await deps.store.read.pendingAttributes.listForUser(pool.id, username);
  const first = planAttributeChange(pool.config, req.user, pending, edit, writer);
  await refuseTakenPending(deps.store.read, pool, req.user, first);
  // Codes are made (and CustomMessage runs) before the transaction, which must not wait for a
  // trigger; the event shows the attributes as they will be.
  const issued: { target: DeliveryTarget; code: IssuedCode }[] = [];
  for (const target of first.codes) {
    const code = await issueCode(deps, {
      purpose: verifyPurpose(target.attributeName),
      source: "CustomMessage_UpdateUserAttribute",
      pool,
      clientId: req.clientId,
      user: { ...req.user, attributes: first.attributes },
      target,
      clientMetadata: req.clientMetadata,
      userAgent: req.userAgent,
    });
    issued.push({ target, code });
  }
  const now = deps.clock.now();
  return deps.store.transaction(async (tx): Promise<ChangeOutcome> => {
    const current = await tx.users.getForUpdate(pool.id, username);
    if (!current) return { kind: "gone" };
    // Planned again on the user as it is now: a concurrent change may have moved things on.
    const waiting = await tx.pendingAttributes.listForUser(pool.id, username);
    const plan = planAttributeChange(pool.config, current, waiting, edit, writer);
    const updated: UserRecord = { ...current, attributes: plan.attributes, updatedAt: now };
    await tx.users.update(updated);
    await syncAliases(
      tx,
      pool,
      current,
      updated,
      writer.kind === "admin" ? { kind: "move" } : { kind: "refuse", message: givenAliasTaken },
      now,
    );
    await writePending(tx, pool, updated, plan, now);
    // Only the codes made for what the plan still sends (a concurrent change that altered the
    // target leaves it without a code: GetUserAttributeVerificationCode sends another).
    const sent: DeliveryTarget[] = [];
    for (const { target, code } of issued) {
      if (
        plan.codes.some(
          (t) => t.attributeName === target.attributeName && t.destination === target.destination,
        )
      ) {
        await saveCode(tx, code);
        sent.push(target);
      }
    }
    return { kind: "ok", sent, user: updated };
  });
}

/** Pending values and dead codes, as the plan says. */
async function writePending(
  tx: StoreTx,
  pool: PoolRecord,
  user: UserRecord,
  plan: AttributePlan,
  now: number,
): Promise<void> {
  for (const name of plan.pendingDelete) await tx.pendingAttributes.delete(pool.id, user.username, name);
  for (const { name, value } of plan.pendingPut) {
    await tx.pendingAttributes.put({ poolId: pool.id, username: user.username, name, value, createdAt: now });
  }
  for (const name of plan.codesDelete) await tx.codes.delete(pool.id, user.username, verifyPurpose(name));
}

/**
 * In a UsernameAttributes pool a value waiting for verification will become a sign-in name: one
 * another user signs in with is refused now rather than at verification.
 */
async function refuseTakenPending(
  read: StoreRead,
  pool: PoolRecord,
  user: UserRecord,
  plan: AttributePlan,
): Promise<void> {
  const kinds = (pool.config.UsernameAttributes ?? []) as string[];
  const ci = caseInsensitive(pool.config);
  for (const { name, value } of plan.pendingPut) {
    if (!kinds.includes(name)) continue;
    const held = await read.aliases.find(pool.id, name, aliasKey(name, value, ci));
    if (held && held.username !== user.username) fail("AliasExistsException", givenAliasTaken(name));
  }
}

/** The sign-in names other than the username that the user should hold now. */
function dueAliases(pool: PoolRecord, user: UserRecord): Map<AliasKind, string> {
  const due = new Map<AliasKind, string>();
  for (const kind of (pool.config.UsernameAttributes ?? []) as AliasKind[]) {
    const value = user.attributes[kind];
    if (value !== undefined) due.set(kind, value);
  }
  if (user.status === "UNCONFIRMED") return due;
  for (const kind of (pool.config.AliasAttributes ?? []) as AliasKind[]) {
    const value = user.attributes[kind];
    if (value === undefined) continue;
    if (kind === "preferred_username" || user.attributes[`${kind}_verified`] === "true") due.set(kind, value);
  }
  return due;
}

/**
 * Brings the user's aliases in step with its attributes, for the kinds the change touched (an
 * unrelated change never fails on an alias). In the caller's transaction: a refusal rolls it
 * back.
 */
export async function syncAliases(
  tx: StoreTx,
  pool: PoolRecord,
  before: UserRecord,
  after: UserRecord,
  conflict: AliasConflict,
  now: number,
): Promise<void> {
  const ci = caseInsensitive(pool.config);
  const kinds = new Set<AliasKind>([
    ...((pool.config.UsernameAttributes ?? []) as AliasKind[]),
    ...((pool.config.AliasAttributes ?? []) as AliasKind[]),
  ]);
  const touched = [...kinds].filter(
    (k) =>
      before.attributes[k] !== after.attributes[k] ||
      before.attributes[`${k}_verified`] !== after.attributes[`${k}_verified`],
  );
  if (touched.length === 0) return;
  const held = await tx.aliases.listForUser(pool.id, after.username);
  const due = dueAliases(pool, after);
  const signInNames = (pool.config.UsernameAttributes ?? []) as string[];
  for (const kind of touched) {
    const value = due.get(kind);
    const wanted = value === undefined ? undefined : aliasKey(kind, value, ci);
    const mine = held.find((a) => a.kind === kind);
    if (mine && mine.valueKey !== wanted)
      await tx.aliases.release(pool.id, kind, mine.valueKey, after.username);
    if (wanted === undefined || mine?.valueKey === wanted) continue;
    const alias = { poolId: pool.id, kind, valueKey: wanted, username: after.username };
    if (await tx.aliases.claim(alias)) continue;
    // Another user holds it. Only a verified email or phone alias (AliasAttributes) moves, and
    // only on an administrator's word.
    const movable = conflict.kind === "move" && kind !== "preferred_username" && !signInNames.includes(kind);
    if (!movable)
      fail("AliasExistsException", (conflict.kind === "refuse" ? conflict.message : givenAliasTaken)(kind));
    const previous = await tx.aliases.transfer(alias);
    if (previous === null) continue;
    const other = await tx.users.getForUpdate(pool.id, previous);
    if (other) {
      await tx.users.update({
        ...other,
        attributes: { ...other.attributes, [`${kind}_verified`]: "false" },
        updatedAt: now,
      });
    }
  }
}

/** The verification target of an attribute: its pending value if one waits, else its value. */
export async function verificationTarget(
  read: StoreRead,
  user: UserRecord,
  attribute: VerifiableAttribute,
): Promise<DeliveryTarget | null> {
  const pending = await read.pendingAttributes.listForUser(user.poolId, user.username);
  const value = pending.find((p) => p.name === attribute)?.value ?? user.attributes[attribute];
  return value === undefined ? null : targetFor(attribute, value);
}
