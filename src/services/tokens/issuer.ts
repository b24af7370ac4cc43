// The `iss` of a pool's tokens, from the `issuer` setting (docs/configuration.md, "Token
// issuer"): `self` = the server's public URL + /{poolId}; `aws` = Cognito's own form.
import type { ServerConfig } from "../../config/config.js";
import { linkBaseUrl } from "../../config/urls.js";
import { type IssuerMode, issuerFor } from "../../domain/tokens/validity.js";

export function issuerMode(
  config: Pick<ServerConfig, "issuer" | "publicUrl" | "host" | "port" | "tls">,
): IssuerMode {
  if (config.issuer === "aws") return { kind: "aws" };
  return { kind: "self", publicUrl: linkBaseUrl(config) };
}

export function poolIssuer(
  config: Pick<ServerConfig, "issuer" | "publicUrl" | "host" | "port" | "tls">,
  poolId: string,
): string {
  return issuerFor(issuerMode(config), poolId);
}

/** The pool id at the end of an issuer URL (either form), or null when there is none. */
export function poolIdOfIssuer(iss: string): string | null {
  const id = iss.slice(iss.lastIndexOf("/") + 1);
  return /^[\w-]+_[0-9a-zA-Z]+$/.test(id) && id.length <= 55 ? id : null;
}
