// Crash-safe writes for vectra. vectra's LocalFileStorage writes a file in place, so a process
// killed mid-write leaves half an index behind; this storage keeps LocalFileStorage for reading,
// listing and deleting, and writes every file (vectra's `upsertFile`/`createFile`, which is how a
// LocalIndex saves) to a temporary file in the same folder, flushed to disk, then renamed over the
// old one: a crash leaves either the old file or the new one, plus at worst a `*.tmp-*` file that
// the next writer removes.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import type { FileDetails, FileStorage, ListFilesFilter } from "vectra";

/** Marks temporary files: a name containing it is never part of an index. */
export const temporaryMarker = ".tmp-";

async function writeTemporary(file: string, data: Buffer | string): Promise<string> {
  const temporary = `${file}${temporaryMarker}${process.pid}-${randomBytes(4).toString("hex")}`;
  const handle = await fs.promises.open(temporary, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  return temporary;
}

/** Writes `data` to `file` through a temporary file in the same folder, flushed, then renamed. */
export async function writeFileAtomic(file: string, data: Buffer | string): Promise<void> {
  const temporary = await writeTemporary(file, data);
  try {
    await fs.promises.rename(temporary, file);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
}

/** A vectra FileStorage over absolute paths whose writes are atomic; the rest is `inner`'s. */
export class AtomicFileStorage implements FileStorage {
  constructor(private readonly inner: FileStorage) {}

  /** Like vectra's: fails when `filePath` exists (a hard link of the finished file never replaces one). */
  async createFile(filePath: string, content: Buffer | string): Promise<void> {
    const temporary = await writeTemporary(filePath, content);
    try {
      await fs.promises.link(temporary, filePath);
    } finally {
      await fs.promises.rm(temporary, { force: true });
    }
  }

  upsertFile(filePath: string, content: Buffer | string): Promise<void> {
    return writeFileAtomic(filePath, content);
  }

  createFolder(folderPath: string): Promise<void> {
    return this.inner.createFolder(folderPath);
  }

  deleteFile(filePath: string): Promise<void> {
    return this.inner.deleteFile(filePath);
  }

  deleteFolder(folderPath: string): Promise<void> {
    return this.inner.deleteFolder(folderPath);
  }

  getDetails(fileOrFolderPath: string): Promise<FileDetails> {
    return this.inner.getDetails(fileOrFolderPath);
  }

  listFiles(folderPath: string, filter?: ListFilesFilter): Promise<FileDetails[]> {
    return this.inner.listFiles(folderPath, filter);
  }

  pathExists(fileOrFolderPath: string): Promise<boolean> {
    return this.inner.pathExists(fileOrFolderPath);
  }

  readFile(filePath: string): Promise<Buffer> {
    return this.inner.readFile(filePath);
  }
}
