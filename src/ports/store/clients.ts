// App clients of a pool.

export interface ClientRecord {
  clientId: string;
  poolId: string;
  clientName: string;
  /** The app-client secret, or null. Sealed at rest by the store adapter. */
  secret: string | null;
  /** Every UserPoolClientType setting except ids, name, secret and dates. */
  config: Record<string, unknown>;
  creationDate: number;
  lastModifiedDate: number;
}

export interface ClientReads {
  get(clientId: string): Promise<ClientRecord | undefined>;
  /** The pool's clients ordered by id; `after` is an exclusive lower bound on the id. */
  list(poolId: string, limit: number, after: string | null): Promise<ClientRecord[]>;
}

export interface ClientRepo extends ClientReads {
  create(client: ClientRecord): Promise<void>;
  /** Creates the client unless one with its id exists (then writes nothing): false then. */
  createIfAbsent(client: ClientRecord): Promise<boolean>;
  /** Changes the client only through its own pool (`client.poolId`). */
  update(client: ClientRecord): Promise<void>;
  delete(poolId: string, clientId: string): Promise<boolean>;
}
