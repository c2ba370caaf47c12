import { Database } from './sqlite-driver';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StartRefused } from './start-refused';

/** Who holds a data folder: written beside the lock by the holder, read by whoever is refused. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** What the holder is: `heard` (the service) or a CLI command such as `heard rebuild`. */
  purpose: string;
}

/** Another process holds the data folder; the message names it. */
class DataFolderLocked extends StartRefused {
  override readonly name = 'DataFolderLocked';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      `HEARD_DATA_DIR=${dataDir} is in use by ${
        holder
          ? `${holder.purpose} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`
          : 'another process'
      }. One heard per data folder: stop that one, or give this one another HEARD_DATA_DIR.`,
    );
  }
}

export interface DataFolderLock {
  readonly holder: LockHolder;
  release(): void;
}

const LOCK_FILE = 'heard.lock';
const HOLDER_FILE = 'heard.lock.json';

const readHolder = (dataDir: string): LockHolder | undefined => {
  try {
    return JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
};

/**
 * Takes the data folder for this process: an exclusive SQLite (POSIX) lock on `heard.lock`,
 * held by an open transaction until release or process exit, so the kernel frees it even
 * after kill -9. A refused caller throws DataFolderLocked and writes nothing; the holder's
 * lock and its `heard.lock.json` stay as they were.
 */
export const lockDataFolder = (dataDir: string, purpose = 'heard'): DataFolderLock => {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY')
      throw new DataFolderLocked(dataDir, readHolder(dataDir));
    throw error;
  }
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    purpose,
  };
  writeFileSync(join(dataDir, HOLDER_FILE), JSON.stringify(holder));
  let held = true;
  return {
    holder,
    release() {
      if (!held) return;
      held = false;
      if (readHolder(dataDir)?.pid === process.pid)
        rmSync(join(dataDir, HOLDER_FILE), { force: true });
      db.close();
    },
  };
};
