// Licences shown before first use. A model made from a Modelfile with LICENSE carries licence
// text; the first time it is loaded, the user sees it (in VS Code they accept it; `hearth run`
// prints it once). This is the bookkeeping: the text a model carries, its fingerprint, and the
// record of what was accepted, per model name and licence text — so a changed licence is asked
// again. The extension keeps the record in its globalState, the CLI in the store folder.
import type { ModelManifest } from "./modelManifest";
import { sha256Hex } from "../sha256";

export interface LicenceAcceptance {
  /** The store name (`family:tag`). */
  name: string;
  /** licenceFingerprint() of the text accepted. */
  sha256: string;
  /** ISO 8601. */
  acceptedAt: string;
}

export interface LicenceRecord {
  version: 1;
  accepted: LicenceAcceptance[];
}

export function emptyLicenceRecord(): LicenceRecord {
  return { version: 1, accepted: [] };
}

/** The licence text a model carries (its Modelfile's LICENSE blocks, in order); null when none. */
export function licenceTextOf(manifest: ModelManifest | null | undefined): string | null {
  const parts = (manifest?.profile?.license ?? []).map((part) => part.replace(/\r\n/g, "\n").trim()).filter((part) => part !== "");
  return parts.length > 0 ? parts.join("\n\n") : null;
}

/** The SHA-256 of a licence text, blind to line endings and surrounding white space. */
export function licenceFingerprint(text: string): string {
  return sha256Hex(text.replace(/\r\n/g, "\n").trim());
}

/** A record read back from storage (JSON); anything unreadable counts as nothing accepted. */
export function parseLicenceRecord(value: unknown): LicenceRecord {
  if (typeof value !== "object" || value === null || !Array.isArray((value as { accepted?: unknown }).accepted)) {
    return emptyLicenceRecord();
  }
  const accepted = ((value as { accepted: unknown[] }).accepted).filter(
    (entry): entry is LicenceAcceptance =>
      typeof entry === "object" &&
      entry !== null &&
      typeof (entry as LicenceAcceptance).name === "string" &&
      typeof (entry as LicenceAcceptance).sha256 === "string" &&
      typeof (entry as LicenceAcceptance).acceptedAt === "string",
  );
  return { version: 1, accepted: accepted.map(({ name, sha256, acceptedAt }) => ({ name, sha256, acceptedAt })) };
}

/** Whether `name`'s licence `text` was accepted before (the same name and the same text). */
export function hasAcceptedLicence(record: LicenceRecord, name: string, text: string): boolean {
  const fingerprint = licenceFingerprint(text);
  return record.accepted.some((entry) => entry.name === name && entry.sha256 === fingerprint);
}

/** The record with `name`'s licence `text` accepted at `now` (replacing what that name had accepted before). */
export function withAcceptedLicence(record: LicenceRecord, name: string, text: string, now: Date = new Date()): LicenceRecord {
  return {
    version: 1,
    accepted: [
      ...record.accepted.filter((entry) => entry.name !== name),
      { name, sha256: licenceFingerprint(text), acceptedAt: now.toISOString() },
    ],
  };
}
