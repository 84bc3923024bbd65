// The errors a model download can meet, each written for the user: what happened, why, what to
// do. They are EngineErrors whose code survives the IPC boundary, plus a finer `reason` for
// callers in the same process.
import type { EngineErrorCode } from "../engine/engineError";
import { EngineError } from "../engine/engineError";
import { formatBytes } from "../formatBytes";
import { localize } from "../localize";

export type DownloadFailureReason =
  | "notFound"
  | "unauthorized"
  | "network"
  | "diskFull"
  | "checksumMismatch"
  | "sizeMismatch"
  | "notGguf"
  | "httpStatus"
  | "storeBusy"
  | "cancelled"
  | "refusedAddress";

export class DownloadError extends EngineError {
  readonly reason: DownloadFailureReason;

  constructor(reason: DownloadFailureReason, code: EngineErrorCode, message: string, detail?: string) {
    super(code, message, detail);
    this.name = "DownloadError";
    this.reason = reason;
  }
}

export function isDownloadError(error: unknown, reason?: DownloadFailureReason): error is DownloadError {
  return error instanceof DownloadError && (reason === undefined || error.reason === reason);
}

export function notFoundError(name: string, url: string): DownloadError {
  return new DownloadError(
    "notFound",
    "modelNotFound",
    localize(
      "{0} does not exist at {1} (HTTP 404). Check the spelling of the name, repository and file name, or choose a model from Hearth's catalogue.",
      name,
      url,
    ),
    `HTTP 404 for ${url}`,
  );
}

export function unauthorizedError(name: string, url: string, status: number): DownloadError {
  return new DownloadError(
    "unauthorized",
    "unauthorized",
    localize(
      "The server refused to send {0} (HTTP {1}): the repository is gated or private. Open the model's page on Hugging Face, accept its licence, and give Hearth an access token (a Hearth setting for tokens is coming); or choose another model.",
      name,
      status,
    ),
    `HTTP ${status} for ${url}`,
  );
}

export function httpStatusError(name: string, url: string, status: number): DownloadError {
  return new DownloadError(
    "httpStatus",
    "internal",
    localize(
      "The server answered HTTP {0} when Hearth asked for {1}. Try again later, or set hearth.downloadEndpoint to a mirror.",
      status,
      name,
    ),
    `HTTP ${status} for ${url}`,
  );
}

/** No connection at all: DNS failure, refused connection, no route. */
/** A download through the API was asked to reach an address on this computer or its network. */
export function refusedAddressError(name: string, host: string, detail: string): DownloadError {
  return new DownloadError(
    "refusedAddress",
    "forbidden",
    localize(
      "Hearth did not download {0}: {1} is on this computer or its local network, and pulls through the local API may reach only public internet addresses (redirects included), so a web page or client cannot use Hearth to reach your other services. Download the file yourself and import it, or pull it with the hearth command line.",
      name,
      host,
    ),
    detail,
  );
}

export function offlineError(host: string, detail: string): DownloadError {
  return new DownloadError(
    "network",
    "network",
    localize(
      "Hearth could not reach {0}: this computer seems to be offline, or the server is blocked from here. Check the connection, or set hearth.downloadEndpoint to a mirror you can reach (for example a Hugging Face mirror).",
      host,
    ),
    detail,
  );
}

/** The connection broke during the transfer; what arrived is kept for a resume. */
export function connectionLostError(name: string, completedBytes: number, totalBytes: number | null, detail: string): DownloadError {
  return new DownloadError(
    "network",
    "network",
    localize(
      "The connection broke while downloading {0}, after {1} of {2}. What arrived is kept: pull it again to continue from there.",
      name,
      formatBytes(completedBytes),
      totalBytes === null ? "?" : formatBytes(totalBytes),
    ),
    detail,
  );
}

export function diskFullError(name: string, neededBytes: number, freeBytes: number, folder: string): DownloadError {
  return new DownloadError(
    "diskFull",
    "diskFull",
    localize(
      "There is not enough disk space for {0}: it needs {1} more, and {2} is free in {3}. Free some space, or set hearth.modelsPath to a folder on a larger disk.",
      name,
      formatBytes(neededBytes),
      formatBytes(freeBytes),
      folder,
    ),
    `needed ${neededBytes} bytes, free ${freeBytes} bytes in ${folder}`,
  );
}

/** The disk filled up during the transfer (ENOSPC). */
export function diskFilledError(name: string, folder: string, detail: string): DownloadError {
  return new DownloadError(
    "diskFull",
    "diskFull",
    localize(
      "The disk filled up while downloading {0} into {1}. Free some space and pull again (the download continues where it stopped), or set hearth.modelsPath to a folder on a larger disk.",
      name,
      folder,
    ),
    detail,
  );
}

export function checksumMismatchError(name: string, expected: string, actual: string): DownloadError {
  return new DownloadError(
    "checksumMismatch",
    "checksumMismatch",
    localize(
      "The file downloaded for {0} is not the published one: its sha256 is {1}, but {2} was expected. Hearth deleted it. The transfer was damaged or the server sent another file: pull it again, or try another download endpoint.",
      name,
      actual,
      expected,
    ),
    `sha256 ${actual}, expected ${expected}`,
  );
}

export function sizeMismatchError(name: string, expectedBytes: number, actualBytes: number): DownloadError {
  return new DownloadError(
    "sizeMismatch",
    "checksumMismatch",
    localize(
      "The file downloaded for {0} has {1} bytes, but {2} were announced. Hearth deleted it: pull it again.",
      name,
      actualBytes,
      expectedBytes,
    ),
    `size ${actualBytes}, expected ${expectedBytes}`,
  );
}

export function notGgufError(name: string, url: string, firstBytes: string): DownloadError {
  return new DownloadError(
    "notGguf",
    "invalidModel",
    localize(
      "The server did not send a GGUF model for {0} (perhaps a web page or an error message instead). Check the address, or the mirror set in hearth.downloadEndpoint.",
      name,
    ),
    `first bytes ${firstBytes} from ${url}`,
  );
}

export function storeBusyError(lockPath: string, holder: string): DownloadError {
  return new DownloadError(
    "storeBusy",
    "storeBusy",
    localize(
      "The model store is busy: another Hearth process ({0}) holds {1}. Wait for it to finish; if no other Hearth is running, delete that file.",
      holder,
      lockPath,
    ),
  );
}

export function downloadCancelledError(name: string): DownloadError {
  return new DownloadError(
    "cancelled",
    "cancelled",
    localize("The download of {0} was cancelled. What arrived is kept: pull it again to continue where it stopped.", name),
  );
}
