// Key files: a server secret as base64 text in a file only its owner may read (0600).
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";

/** A new server secret: 32 random bytes, base64. */
export function newSecretText(): string {
  return randomBytes(32).toString("base64");
}

export function readKeyFile(path: string): string {
  return readFileSync(path, "utf8").trim();
}

/** Group or others may read the file (a key file should be 0600). */
export function readableByOthers(path: string): boolean {
  return (statSync(path).mode & 0o077) !== 0;
}

function writeTemp(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, `${text}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

function syncDir(path: string): void {
  try {
    const fd = openSync(dirname(path), "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the file itself is synced.
  }
}

/**
 * Writes a new key file (0600), complete or not at all, unless one exists. Returns the text
 * now in the file: `text`, or what a concurrent writer (another node starting at the same
 * time) put there first.
 */
export function createKeyFile(path: string, text: string): string {
  const tmp = writeTemp(path, text);
  try {
    linkSync(tmp, path);
    syncDir(path);
    return text;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return readKeyFile(path);
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

/** Replaces a key file's content atomically (0600). */
export function replaceKeyFile(path: string, text: string): void {
  const tmp = writeTemp(path, text);
  renameSync(tmp, path);
  syncDir(path);
}
