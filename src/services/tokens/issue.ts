// Issuing a sign-in's tokens: the one place where ID, access and refresh tokens are made
// (docs/signin.md, "Tokens"). Claims (src/domain/tokens/claims.ts), then the pool's
// PreTokenGeneration function, then RS256 signatures with the pool's current keys, then the
// refresh token's record — committed before the tokens are handed out, so a refresh token
// the caller holds always has its record.
import { timeOrderedId } from "../../domain/ids.js";
import { buildClaims, groupClaims, type TokenClaims, type TokenGroup } from "../../domain/tokens/claims.js";
import { signToken } from "../../domain/tokens/jwt.js";
import { issueRefreshToken } from "../../domain/tokens/refresh.js";
import { tokenValidity } from "../../domain/tokens/validity.js";
import type { RequestContext } from "../../operations/define.js";
import type { Deps } from "../../operations/deps.js";
import type { ClientRecord, PoolRecord, StoreTx, UserRecord } from "../../ports/store/index.js";
import type { TokenGenerationSource } from "../../ports/triggers.js";
import type { AuthenticationResultType } from "../../protocol/generated/shapes.js";
import { groupsForUser } from "./groups.js";
import { poolIssuer } from "./issuer.js";
import { runPreTokenGeneration } from "./preTokenGeneration.js";

export type TokenDeps = Pick<
  Deps,
  "config" | "store" | "clock" | "random" | "triggers" | "signingKeys" | "refreshTokenKey" | "directory"
>;

/** What the caller's request says about itself that token issuing uses. */
export type TokenContext = Pick<RequestContext, "userAgent">;

export interface IssueTokensInput {
  pool: PoolRecord;
  client: ClientRecord;
  user: UserRecord;
  /** Why tokens are issued (PreTokenGeneration's triggerSource); refreshes go through refresh.ts. */
  source: Exclude<TokenGenerationSource, "TokenGeneration_RefreshTokens">;
  /** When the user authenticated (epoch ms): auth_time, kept by every refresh. */
  authTime: number;
  /** ClientMetadata for PreTokenGeneration, when the request's reaches it (see triggerEvents.ts). */
  clientMetadata?: Record<string, string> | undefined;
  /** The remembered device signed in on (device_key claim; refresh must present it). */
  deviceKey?: string | undefined;
  /** The user's groups, when the caller has them; else read (groups.ts). */
  groups?: readonly TokenGroup[] | undefined;
  /**
   * More writes for the transaction that stores the refresh token (an auth event, a
   * credential upgrade): they commit with it or not at all.
   */
  inTransaction?: ((tx: StoreTx) => Promise<void>) | undefined;
}

/** Whether the client puts origin_jti in its tokens (EnableTokenRevocation, default true). */
export function revocationEnabled(client: ClientRecord): boolean {
  return client.config.EnableTokenRevocation !== false;
}

/** The client's ReadAttributes, or undefined when it lists none (every attribute readable). */
export function readAttributesOf(client: ClientRecord): readonly string[] | undefined {
  const r = client.config.ReadAttributes;
  return Array.isArray(r) && r.length > 0 ? (r as string[]) : undefined;
}

export interface SignedPair {
  idToken: string;
  accessToken: string;
  accessSeconds: number;
}

/** Claims → PreTokenGeneration → signatures; shared by sign-in and refresh. */
export async function mintTokens(
  deps: TokenDeps,
  a: {
    pool: PoolRecord;
    client: ClientRecord;
    user: UserRecord;
    source: TokenGenerationSource;
    now: number;
    authTime: number;
    originJti: string;
    eventId: string;
    deviceKey: string | undefined;
    groups: readonly TokenGroup[];
    clientMetadata: Record<string, string> | undefined;
    userAgent: string | undefined;
  },
): Promise<SignedPair> {
  const validity = tokenValidity(a.client.config);
  const signers = await deps.signingKeys.signers(a.pool.id);
  let claims: TokenClaims = buildClaims(deps.random, {
    user: a.user,
    groups: a.groups,
    clientId: a.client.clientId,
    issuer: poolIssuer(deps.config, a.pool.id),
    now: a.now,
    authTime: a.authTime,
    originJti: a.originJti,
    eventId: a.eventId,
    revocationEnabled: revocationEnabled(a.client),
    validity,
    readAttributes: readAttributesOf(a.client),
    deviceKey: a.deviceKey,
  });
  claims = await runPreTokenGeneration(
    deps,
    {
      pool: a.pool,
      clientId: a.client.clientId,
      user: a.user,
      source: a.source,
      groups: groupClaims(a.groups),
      clientMetadata: a.clientMetadata,
      userAgent: a.userAgent,
    },
    claims,
  );
  const [idToken, accessToken] = await Promise.all([
    signToken(signers.id, claims.id),
    signToken(signers.access, claims.access),
  ]);
  return { idToken, accessToken, accessSeconds: validity.accessSeconds };
}

/**
 * A sign-in's tokens, its refresh token recorded. Returns the wire AuthenticationResult:
 * AccessToken, ExpiresIn (the access token's lifetime, seconds), TokenType "Bearer",
 * RefreshToken, IdToken. (A sign-in on a new device gets NewDeviceMetadata from signIn/complete.ts.)
 */
export async function issueTokens(
  deps: TokenDeps,
  input: IssueTokensInput,
  ctx: TokenContext,
): Promise<AuthenticationResultType> {
  const now = deps.clock.now();
  const groups = input.groups ?? (await groupsForUser(deps, input.pool, input.user));
  const originJti = deps.random.uuid();
  const eventId = deps.random.uuid();
  const signed = await mintTokens(deps, {
    pool: input.pool,
    client: input.client,
    user: input.user,
    source: input.source,
    now,
    authTime: input.authTime,
    originJti,
    eventId,
    deviceKey: input.deviceKey,
    groups,
    clientMetadata: input.clientMetadata,
    userAgent: ctx.userAgent,
  });
  const validity = tokenValidity(input.client.config);
  const tokenId = timeOrderedId(deps.random, now);
  const expiresAt = now + validity.refreshSeconds * 1000;
  const refreshToken = issueRefreshToken(deps.refreshTokenKey, deps.random, {
    tokenId,
    poolId: input.pool.id,
    clientId: input.client.clientId,
    username: input.user.username,
    originJti,
    authTime: input.authTime,
    eventId,
    ...(input.deviceKey === undefined ? {} : { deviceKey: input.deviceKey }),
    issuedAt: now,
    expiresAt,
  });
  await deps.store.transaction(async (tx) => {
    await tx.refreshTokens.insert({
      id: tokenId,
      poolId: input.pool.id,
      clientId: input.client.clientId,
      username: input.user.username,
      originJti,
      eventId,
      authTime: input.authTime,
      deviceKey: input.deviceKey ?? null,
      issuedAt: now,
      expiresAt,
      revokedAt: null,
      rotatedAt: null,
    });
    await input.inTransaction?.(tx);
  });
  return {
    AccessToken: signed.accessToken,
    ExpiresIn: signed.accessSeconds,
    TokenType: "Bearer",
    RefreshToken: refreshToken,
    IdToken: signed.idToken,
  };
}
