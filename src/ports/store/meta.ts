// Facts about the store itself, as text keyed by name.

export interface MetaReads {
  get(key: string): Promise<string | undefined>;
}

export interface MetaRepo extends MetaReads {
  /** Atomic: sets the value unless the key exists; returns the value now stored. */
  setIfAbsent(key: string, value: string): Promise<string>;
}
